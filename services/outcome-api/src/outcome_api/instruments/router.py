from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from outcome_api.access import Administrator, AnyRole
from outcome_api.instruments import service
from outcome_api.instruments.schemas import InstrumentCreate, InstrumentDefinition, InstrumentRead

router = APIRouter(prefix="/v1/instruments", tags=["instruments"])


@router.get("")
def list_instruments(session: SessionDep, principal: AnyRole) -> list[InstrumentRead]:
    """The instruments assessments can be recorded with (latest versions), each with its areas and scale."""
    return service.list_all(session, principal)


@router.get("/{instrument_id}/versions/{version}", responses={404: {"description": "Unknown instrument version"}})
def get_instrument_version(instrument_id: str, version: int, session: SessionDep, principal: AnyRole) -> InstrumentRead:
    """One version of an instrument: older assessments are read against the version they were made with."""
    return service.get_version(session, principal, instrument_id, version)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "The id belongs to another organisation's or Insikt's instrument"}},
)
def publish_instrument(data: InstrumentCreate, session: SessionDep, principal: Administrator) -> InstrumentRead:
    """Publish the organisation's own instrument, or its next version (admins; e.g. a licensed instrument)."""
    return service.create(session, principal, data)


@router.put(
    "/{instrument_id}/versions/{version}",
    responses={
        404: {"description": "Not one of the organisation's instrument versions"},
        409: {"description": "Assessments use this version: it cannot change"},
    },
)
def replace_instrument_version(
    instrument_id: str, version: int, data: InstrumentDefinition, session: SessionDep, principal: Administrator
) -> InstrumentRead:
    """Rewrite a version that no assessment uses yet, and publish it again."""
    return service.replace(session, principal, instrument_id, version, data)
