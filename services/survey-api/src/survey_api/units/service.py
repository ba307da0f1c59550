from sqlalchemy.orm import Session

from insikt_common.contracts.units import UnitRef
from insikt_common.errors import NotFound
from survey_api.units.models import Unit
from survey_api.units.schemas import UnitRead, UnitUpsert


def upsert(session: Session, unit_id: str, data: UnitUpsert) -> UnitRead:
    unit = session.get(Unit, unit_id)
    if unit is None:
        unit = Unit(id=unit_id, **data.model_dump())
        session.add(unit)
    else:
        unit.sqlmodel_update(data.model_dump())
    return UnitRead.model_validate(unit, from_attributes=True)


def get_or_raise(session: Session, unit_id: str) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} not found")
    return unit


def ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.id, name=unit.name, type=unit.type, municipality_code=unit.municipality_code)
