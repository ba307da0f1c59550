from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_api.goals.models import Goal, GoalChange


def get(session: Session, participant_id: str, goal_id: str) -> Goal | None:
    goal = session.get(Goal, goal_id)
    return goal if goal is not None and goal.participant_id == participant_id else None


def list_for_participant(session: Session, participant_id: str) -> list[Goal]:
    return list(
        session.scalars(
            select(Goal)
            .where(Goal.participant_id == participant_id)  # type: ignore[arg-type]
            .order_by(Goal.set_on, Goal.id)  # type: ignore[arg-type]
        )
    )


def history(session: Session, goal_ids: list[str]) -> dict[str, list[GoalChange]]:
    rows = session.scalars(
        select(GoalChange)
        .where(GoalChange.goal_id.in_(goal_ids))  # type: ignore[attr-defined]
        .order_by(GoalChange.goal_id, GoalChange.seq)  # type: ignore[arg-type]
    )
    changes: dict[str, list[GoalChange]] = {i: [] for i in goal_ids}
    for row in rows:
        changes[row.goal_id].append(row)
    return changes


def add(session: Session, goal: Goal) -> None:
    session.add(goal)


def add_change(session: Session, change: GoalChange) -> None:
    session.add(change)
