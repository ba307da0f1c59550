from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from outcome_api.access import ParticipantWorker
from outcome_api.goals import service
from outcome_api.goals.schemas import GoalCreate, GoalRead, GoalUpdate

router = APIRouter(prefix="/v1/participants/{participant_id}/goals", tags=["goals"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "Unknown participant"},
        422: {"description": "Unknown GAS level, date in the future"},
    },
)
def set_goal(participant_id: str, data: GoalCreate, session: SessionDep, principal: ParticipantWorker) -> GoalRead:
    """Set a goal (effektmål) with its baseline, target and optional GAS level descriptions."""
    return service.set_goal(session, principal, participant_id, data)


@router.patch(
    "/{goal_id}",
    responses={
        404: {"description": "Unknown participant or goal"},
        422: {"description": "Attainment outside −2…+2, date before the last change or in the future"},
    },
)
def update_goal(
    participant_id: str, goal_id: str, data: GoalUpdate, session: SessionDep, principal: ParticipantWorker
) -> GoalRead:
    """Record the goal's attainment (GAS level) and status on a date; earlier ones stay in its history."""
    return service.update_goal(session, principal, participant_id, goal_id, data)


@router.get("", responses={404: {"description": "Unknown participant"}})
def list_goals(participant_id: str, session: SessionDep, principal: ParticipantWorker) -> list[GoalRead]:
    """The participant's goals with their history, oldest first."""
    return service.list_for_participant(session, principal, participant_id)
