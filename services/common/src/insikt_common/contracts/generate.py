"""Write the JSON Schema of every event type to ``schemas/``: ``python -m insikt_common.contracts.generate``.

The schemas are committed; a contract test fails when they drift from the models.
"""

import json
from pathlib import Path

from insikt_common.contracts.catalogue import CATALOGUE, EventSpec
from insikt_common.contracts.envelope import SCHEMA_BASE, CloudEvent

SCHEMA_DIR = Path(__file__).parent / "schemas"


def schema_for(spec: EventSpec) -> dict[str, object]:
    """The schema of a whole CloudEvent of this type, its ``data`` being the payload."""
    envelope = CloudEvent.model_json_schema()
    payload = spec.payload.model_json_schema()
    defs = {**envelope.pop("$defs", {}), **payload.pop("$defs", {})}
    envelope["properties"]["type"] = {"const": spec.type}
    envelope["properties"]["data"] = payload
    envelope["required"] = sorted({*envelope.get("required", []), "data"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{spec.type}.json",
        "title": spec.type,
        "description": spec.description,
        **envelope,
        **({"$defs": defs} if defs else {}),
    }


def rendered_schemas() -> dict[str, str]:
    return {
        f"{spec.type}.json": json.dumps(schema_for(spec), indent=2, sort_keys=True) + "\n"
        for spec in CATALOGUE.values()
    }


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in rendered_schemas().items():
        (SCHEMA_DIR / name).write_text(text)
        print(f"wrote {SCHEMA_DIR / name}")


if __name__ == "__main__":
    main()
