from fastapi import APIRouter, Path

from insikt_common.db import SessionDep
from survey_api.units import service
from survey_api.units.schemas import UnitRead, UnitUpsert

router = APIRouter(prefix="/v1/units", tags=["units"])

UnitId = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$", examples=["V15E058000401"])


@router.put("/{unit_id}")
def upsert_unit(data: UnitUpsert, session: SessionDep, unit_id: str = UnitId) -> UnitRead:
    """Create or update a unit by its stable id (Kolada-style or ``<municipality>-<local>``)."""
    return service.upsert(session, unit_id, data)
