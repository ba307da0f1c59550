from sqlalchemy.orm import Session

from insikt_common.contracts.units import UnitRef
from reporting.directory.models import UnitEntry
from reporting.projection import table_of, upsert


def remember_unit(session: Session, unit: UnitRef) -> None:
    """The latest metadata wins: units get renamed, their ids stay."""
    upsert(session, table_of(UnitEntry), ["id"], unit.model_dump(exclude={"organisation_id"}))
