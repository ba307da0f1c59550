from fastapi import APIRouter, Request, Response, status

from insikt_common.db import SessionDep
from outcome_api.access import Administrator, ParticipantWorker
from outcome_api.erasure import service as erasure
from outcome_api.participants import service
from outcome_api.participants.schemas import ParticipantCreate, ParticipantRead

router = APIRouter(prefix="/v1/participants", tags=["participants"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "description": "The personnummer is already registered; that participant",
            "model": ParticipantRead,
        },
        403: {"description": "The unit is not one of the caller's units"},
        409: {"description": "The personnummer is registered at a unit outside the caller's units"},
        422: {"description": "Invalid input, e.g. a personnummer with a wrong check digit"},
    },
)
def register_participant(
    data: ParticipantCreate,
    session: SessionDep,
    principal: ParticipantWorker,
    request: Request,
    response: Response,
) -> ParticipantRead:
    """Register a pseudonymous participant at a unit; a known personnummer returns that participant."""
    participant, created = service.register(
        session, principal, data, pseudonym_key=request.app.state.settings.pseudonym_key
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return participant


@router.delete(
    "/{participant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "Unknown participant"}},
)
def erase_participant(participant_id: str, session: SessionDep, principal: Administrator) -> None:
    """Erase the participant and everything recorded about them (admins only); reporting forgets them.

    The audit log keeps its rows, with the pseudonymous id only.
    """
    erasure.erase(session, principal, participant_id)


@router.get("/{participant_id}", responses={404: {"description": "Unknown participant"}})
def get_participant(
    participant_id: str,
    session: SessionDep,
    principal: ParticipantWorker,
) -> ParticipantRead:
    return service.get(session, principal, participant_id)
