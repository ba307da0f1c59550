from fastapi import APIRouter, Path

from insikt_common.db import SessionDep
from survey_api.auth import AdminDep, ReaderDep
from survey_api.units import service
from survey_api.units.schemas import UnitRead, UnitUpsert

router = APIRouter(prefix="/v1/units", tags=["units"])

UnitId = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$", examples=["V15E058000401"])


@router.get("")
def list_units(session: SessionDep, principal: ReaderDep) -> list[UnitRead]:
    return service.list_units(session, principal.organisation_id)


@router.put("/{unit_id}")
def upsert_unit(data: UnitUpsert, session: SessionDep, principal: AdminDep, unit_id: str = UnitId) -> UnitRead:
    """Create or update a unit by its stable id (Kolada-style or ``<municipality>-<local>``)."""
    return service.upsert(session, principal.organisation_id, unit_id, data)


@router.get("/{unit_id}")
def get_unit(session: SessionDep, principal: ReaderDep, unit_id: str = UnitId) -> UnitRead:
    return service.get(session, principal.organisation_id, unit_id)
