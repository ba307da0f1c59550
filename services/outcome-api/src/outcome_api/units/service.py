from sqlalchemy.orm import Session

from insikt_common.contracts.units import UnitRef
from outcome_api.units.models import Unit


def upsert(session: Session, ref: UnitRef) -> Unit:
    """Record the unit as the client describes it; the latest description wins."""
    unit = session.get(Unit, ref.id)
    if unit is None:
        unit = Unit(**ref.model_dump(exclude={"organisation_id"}))
        session.add(unit)
    else:
        unit.sqlmodel_update(ref.model_dump(exclude={"id", "organisation_id"}))
    return unit


def ref(unit: Unit, organisation_id: str) -> UnitRef:
    """The unit as the participant's organisation runs it."""
    return UnitRef(
        id=unit.id,
        name=unit.name,
        type=unit.type,
        municipality_code=unit.municipality_code,
        organisation_id=organisation_id,
    )


def get(session: Session, unit_id: str) -> Unit:
    """A unit some stored row refers to; the foreign key guarantees it exists."""
    return session.get_one(Unit, unit_id)
