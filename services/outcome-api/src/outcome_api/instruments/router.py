from fastapi import APIRouter

from outcome_api.access import AnyRole
from outcome_api.instruments import service
from outcome_api.instruments.schemas import InstrumentRead

router = APIRouter(prefix="/v1/instruments", tags=["instruments"])


@router.get("")
def list_instruments(_principal: AnyRole) -> list[InstrumentRead]:
    """The instruments assessments can be recorded with, each with its areas and scale."""
    return service.list_all()
