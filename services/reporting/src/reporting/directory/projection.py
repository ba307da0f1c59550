from sqlalchemy.orm import Session

from insikt_common.contracts.units import UnitRef
from reporting.directory.models import UnitEntry
from reporting.projection import table_of, upsert


def remember_unit(session: Session, unit: UnitRef) -> None:
    """The latest metadata wins: units get renamed, their ids stay. A known organisation is kept."""
    row = unit.model_dump(exclude={"organisation_id"} if unit.organisation_id is None else set())
    upsert(session, table_of(UnitEntry), ["id"], row)
