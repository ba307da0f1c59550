from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from outcome_api.access import ParticipantWorker
from outcome_api.assessments import service
from outcome_api.assessments.schemas import AssessmentCreate, AssessmentRead

router = APIRouter(prefix="/v1/participants/{participant_id}/assessments", tags=["assessments"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "Unknown participant"},
        422: {"description": "Unknown instrument or area, score outside the scale, date in the future"},
    },
)
def record_assessment(
    participant_id: str, data: AssessmentCreate, session: SessionDep, principal: ParticipantWorker
) -> AssessmentRead:
    """Record one rater's scores for a participant on one occasion."""
    return service.record(session, principal, participant_id, data)


@router.get("", responses={404: {"description": "Unknown participant"}})
def list_assessments(participant_id: str, session: SessionDep, principal: ParticipantWorker) -> list[AssessmentRead]:
    """The participant's assessments, oldest first."""
    return service.list_for_participant(session, principal, participant_id)
