from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from survey_api.rounds import service
from survey_api.rounds.schemas import RoundCreate, RoundRead

router = APIRouter(prefix="/v1/rounds", tags=["rounds"])


@router.post("", status_code=status.HTTP_201_CREATED)
def open_round(data: RoundCreate, session: SessionDep) -> RoundRead:
    """Open a round of a published questionnaire for a set of units."""
    return service.open_round(session, data)


@router.get("/{round_id}")
def get_round(round_id: str, session: SessionDep) -> RoundRead:
    return service.get(session, round_id)


@router.post("/{round_id}/close")
def close_round(round_id: str, session: SessionDep) -> RoundRead:
    """Close the round: later responses get 410."""
    return service.close_round(session, round_id)
