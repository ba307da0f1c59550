from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from insikt_common.db import SessionDep
from outcome_api.access import ParticipantWorker
from outcome_api.interventions import service
from outcome_api.interventions.schemas import InterventionRead, InterventionUpsert

router = APIRouter(prefix="/v1/participants/{participant_id}/interventions", tags=["interventions"])

ExternalReference = Annotated[str, Path(min_length=1, max_length=100, description="The case system's id")]


@router.put(
    "/{external_reference}",
    responses={
        201: {"description": "A new intervention", "model": InterventionRead},
        403: {"description": "The unit is not one of the caller's units"},
        404: {"description": "Unknown participant"},
        409: {"description": "The external reference belongs to another participant"},
        422: {"description": "End before start, end in the future, an end date without an ending or vice versa"},
    },
)
def upsert_intervention(
    participant_id: str,
    external_reference: ExternalReference,
    data: InterventionUpsert,
    *,
    session: SessionDep,
    principal: ParticipantWorker,
    response: Response,
) -> InterventionRead:
    """Create or update an intervention by the case system's reference: safe to send again."""
    intervention, created = service.upsert(session, principal, participant_id, external_reference, data)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return intervention


@router.get("", responses={404: {"description": "Unknown participant"}})
def list_interventions(
    participant_id: str, session: SessionDep, principal: ParticipantWorker
) -> list[InterventionRead]:
    """The participant's interventions, earliest start first."""
    return service.list_for_participant(session, principal, participant_id)
