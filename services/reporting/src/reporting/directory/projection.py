from collections.abc import Iterable

from sqlalchemy.orm import Session

from insikt_common.contracts.units import UnitRef
from reporting.directory.models import UnitEntry
from reporting.projection import table_of, upsert_many


def remember_unit(session: Session, unit: UnitRef) -> None:
    """The latest metadata wins: units get renamed, their ids stay. A known organisation is kept."""
    remember_units(session, [unit])


def remember_units(session: Session, units: Iterable[UnitRef]) -> None:
    """``remember_unit`` for each, in order, in one statement."""
    latest: dict[str, dict[str, str | None]] = {}
    for unit in units:
        row = unit.model_dump()
        if unit.organisation_id is None and unit.id in latest:
            row["organisation_id"] = latest[unit.id]["organisation_id"]
        latest[unit.id] = row
    upsert_many(session, table_of(UnitEntry), ["id"], list(latest.values()), kept_when_null=["organisation_id"])
