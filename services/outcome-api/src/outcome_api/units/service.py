from sqlalchemy.orm import Session

from insikt_common.contracts.units import UnitRef
from insikt_common.errors import Conflict, Unprocessable, field_error
from outcome_api.units.models import Unit


def upsert(session: Session, ref: UnitRef, organisation_id: str, *, field: str = "unit") -> Unit:
    """Record the unit as the caller's organisation describes it; the latest description wins.

    A unit id belongs to one organisation: another may neither use nor rename it.
    """
    if ref.organisation_id is not None and ref.organisation_id != organisation_id:
        raise Unprocessable([field_error(f"{field}.organisation_id", "must be the organisation of your token")])
    unit = session.get(Unit, ref.id)
    if unit is None:
        unit = Unit(**ref.model_dump(exclude={"organisation_id"}), organisation_id=organisation_id)
        session.add(unit)
    elif unit.organisation_id not in (None, organisation_id):
        raise Conflict(f"unit {ref.id} belongs to another organisation")
    else:
        unit.sqlmodel_update(ref.model_dump(exclude={"id", "organisation_id"}))
        unit.organisation_id = organisation_id
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
