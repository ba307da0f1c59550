from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from outcome_api.access import ParticipantWorker
from outcome_api.assessments import service
from outcome_api.assessments.schemas import AssessmentCreate, AssessmentRead, AssessmentRevisionRead

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
    """The participant's assessments, oldest first, each in its latest version."""
    return service.list_for_participant(session, principal, participant_id)


@router.put(
    "/{assessment_id}",
    responses={
        404: {"description": "Unknown participant or assessment"},
        422: {"description": "Another instrument, unknown area, score outside the scale, date in the future"},
    },
)
def correct_assessment(
    participant_id: str, assessment_id: str, data: AssessmentCreate, session: SessionDep, principal: ParticipantWorker
) -> AssessmentRead:
    """Correct an assessment: the body replaces it whole; the replaced version stays in its history."""
    return service.correct(session, principal, participant_id, assessment_id, data)


@router.get("/{assessment_id}/revisions", responses={404: {"description": "Unknown participant or assessment"}})
def list_assessment_revisions(
    participant_id: str, assessment_id: str, session: SessionDep, principal: ParticipantWorker
) -> list[AssessmentRevisionRead]:
    """The earlier versions of a corrected assessment, oldest first."""
    return service.revisions(session, principal, participant_id, assessment_id)
