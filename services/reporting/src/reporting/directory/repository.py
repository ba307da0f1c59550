from sqlalchemy.orm import Session

from insikt_common.errors import NotFound
from reporting.directory.models import UnitEntry


def get_or_raise(session: Session, unit_id: str) -> UnitEntry:
    unit = session.get(UnitEntry, unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} has no data in reporting")
    return unit
