"""Reading Kolada JSON (API v2 and v3 share this shape). Pure functions.

``{"values": [{"kpi": "U28532", "municipality": "0580" | "ou": "V15E…", "period": 2024,
"values": [{"gender": "T" | "K" | "M", "count": 120, "status": "", "value": 81.5}]}]}``;
municipality ``0000`` is riket.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from insikt_common.errors import Unprocessable, field_error

RIKET = "0000"


@dataclass(frozen=True)
class KoladaFigure:
    kpi: str
    area: str
    period: int
    gender: str
    value: float | None
    count: int | None
    status: str | None


def parse(document: Mapping[str, Any]) -> list[KoladaFigure]:
    """Every figure in the document; a 422 names each entry that does not have the shape."""
    entries = document.get("values")
    if not isinstance(entries, list):
        raise Unprocessable([field_error("values", "a Kolada document has a list of values")])
    figures: list[KoladaFigure] = []
    problems: list[dict[str, str]] = []
    for i, entry in enumerate(entries):
        try:
            figures.extend(_entry(entry))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(field_error(f"values.{i}", f"not a Kolada value: {exc!r}"))
    if problems:
        raise Unprocessable(problems)
    return figures


def _entry(entry: Mapping[str, Any]) -> list[KoladaFigure]:
    area = entry.get("municipality") or entry.get("ou")
    if not isinstance(area, str) or not area:
        raise ValueError("needs municipality or ou")
    kpi = str(entry["kpi"])
    period = int(str(entry["period"])[:4])
    figures = []
    for value in entry["values"]:
        gender = str(value.get("gender", "T"))
        if gender not in ("T", "K", "M"):
            raise ValueError(f"gender {gender!r}")
        raw = value.get("value")
        count = value.get("count")
        figures.append(
            KoladaFigure(
                kpi=kpi,
                area=area,
                period=period,
                gender=gender,
                value=_finite(float(raw)) if raw is not None else None,
                count=int(count) if count is not None else None,
                status=str(value["status"]) if value.get("status") not in (None, "") else None,
            )
        )
    return figures


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"value {value!r} is not a number")
    return value
