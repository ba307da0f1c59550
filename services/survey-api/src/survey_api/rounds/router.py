from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from survey_api.auth import AdminDep, ReaderDep
from survey_api.rounds import service
from survey_api.rounds.schemas import RoundCreate, RoundRead

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])


@router.get("")
def list_rounds(session: SessionDep, principal: ReaderDep) -> list[RoundRead]:
    return service.list_rounds(session, principal.organisation_id)


@router.post("", status_code=status.HTTP_201_CREATED)
def open_round(data: RoundCreate, session: SessionDep, principal: AdminDep) -> RoundRead:
    """Open a round of a published questionnaire version for a set of units."""
    return service.open_round(session, principal.organisation_id, data)


@router.get("/{round_id}")
def get_round(round_id: str, session: SessionDep, principal: ReaderDep) -> RoundRead:
    return service.get(session, principal.organisation_id, round_id)


@router.post("/{round_id}/close")
def close_round(round_id: str, session: SessionDep, principal: AdminDep) -> RoundRead:
    """Close the round: later responses get 410."""
    return service.close_round(session, principal.organisation_id, round_id)
