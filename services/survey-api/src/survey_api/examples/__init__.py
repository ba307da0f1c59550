"""Example questionnaires written for Insikt (Swedish and English), shipped with the service.

``python -m survey_api.examples`` lists them; ``python -m survey_api.examples NAME`` prints one,
ready to POST to ``/v1/questionnaires``. ``POST /v1/questionnaires/examples/{name}`` loads one as
a draft into the caller's organisation.
"""

import json
from importlib import resources
from typing import Any

from insikt_common.errors import NotFound


def names() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in resources.files(__name__).iterdir() if p.name.endswith(".json"))


def load(name: str) -> dict[str, Any]:
    if name not in names():
        raise NotFound(f"no example questionnaire {name!r}; there are {', '.join(names())}")
    document: dict[str, Any] = json.loads(resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8"))
    return document
