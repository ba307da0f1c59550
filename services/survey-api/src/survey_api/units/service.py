from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.catalogue import UNIT_UPSERTED
from insikt_common.contracts.survey import UnitUpserted
from insikt_common.contracts.units import UnitRef
from insikt_common.errors import NotFound
from survey_api.events import emit
from survey_api.units.models import Unit
from survey_api.units.schemas import UnitRead, UnitUpsert


def upsert(session: Session, organisation_id: str, unit_id: str, data: UnitUpsert) -> UnitRead:
    """Create or update; the event goes out only when something changed (a repeated PUT is quiet)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        unit = Unit(id=unit_id, organisation_id=organisation_id, **data.model_dump())
        session.add(unit)
    elif unit.organisation_id != organisation_id:
        raise NotFound(f"unit {unit_id} not found")
    elif data.model_dump() == {k: getattr(unit, k) for k in UnitUpsert.model_fields}:
        return to_read(unit)
    else:
        unit.sqlmodel_update(data.model_dump())
    emit(session, UNIT_UPSERTED, f"unit/{unit_id}", UnitUpserted(unit=ref(unit)))
    return to_read(unit)


def get(session: Session, organisation_id: str, unit_id: str) -> UnitRead:
    return to_read(get_or_raise(session, unit_id, organisation_id))


def list_units(session: Session, organisation_id: str) -> list[UnitRead]:
    units = session.scalars(select(Unit).where(col(Unit.organisation_id) == organisation_id).order_by(col(Unit.id)))
    return [to_read(u) for u in units]


def get_or_raise(session: Session, unit_id: str, organisation_id: str | None = None) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or (organisation_id is not None and unit.organisation_id != organisation_id):
        raise NotFound(f"unit {unit_id} not found")
    return unit


def ref(unit: Unit) -> UnitRef:
    return UnitRef(
        id=unit.id,
        name=unit.name,
        type=unit.type,
        municipality_code=unit.municipality_code,
        organisation_id=unit.organisation_id,
    )


def to_read(unit: Unit) -> UnitRead:
    return UnitRead.model_validate(unit, from_attributes=True)
