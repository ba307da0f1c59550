"""Every row that belongs to one participant, and when each participant last had an entry."""

from datetime import date

from sqlalchemy import Date, Table, delete, func, literal, select, union_all
from sqlalchemy.orm import Session

from outcome_api.assessments.models import Assessment, AssessmentRevision, AssessmentScore
from outcome_api.config import SCHEMA
from outcome_api.goals.models import Goal, GoalChange
from outcome_api.interventions.models import Intervention
from outcome_api.models import metadata, outbox
from outcome_api.participants.models import Participant


def delete_participant(session: Session, participant_id: str) -> None:
    """Delete the participant and every row that refers to them, children first."""
    assessment, goal = _table("assessment"), _table("goal")
    assessments = select(assessment.c.id).where(assessment.c.participant_id == participant_id)
    goals = select(goal.c.id).where(goal.c.participant_id == participant_id)
    session.execute(delete(AssessmentScore).where(AssessmentScore.assessment_id.in_(assessments)))  # type: ignore[attr-defined]
    session.execute(delete(AssessmentRevision).where(AssessmentRevision.assessment_id.in_(assessments)))  # type: ignore[attr-defined]
    session.execute(delete(Assessment).where(Assessment.participant_id == participant_id))  # type: ignore[arg-type]
    session.execute(delete(GoalChange).where(GoalChange.goal_id.in_(goals)))  # type: ignore[attr-defined]
    session.execute(delete(Goal).where(Goal.participant_id == participant_id))  # type: ignore[arg-type]
    session.execute(delete(Intervention).where(Intervention.participant_id == participant_id))  # type: ignore[arg-type]
    session.execute(delete(outbox).where(outbox.c.message_key == participant_id))
    session.execute(delete(Participant).where(Participant.id == participant_id))  # type: ignore[arg-type]


def expired_participants(session: Session, before: date, today: date, limit: int) -> list[Participant]:
    """Participants whose last entry is before ``before``; an intervention still open counts as today."""
    participant, assessment, revision = _table("participant"), _table("assessment"), _table("assessment_revision")
    intervention, goal, change = _table("intervention"), _table("goal"), _table("goal_change")
    entries = union_all(
        select(participant.c.id.label("participant_id"), participant.c.registered_on.label("entry_on")),
        select(assessment.c.participant_id, assessment.c.assessed_on),
        select(assessment.c.participant_id, revision.c.replaced_on).join(
            revision, revision.c.assessment_id == assessment.c.id
        ),
        select(intervention.c.participant_id, func.coalesce(intervention.c.ended_on, literal(today, Date))),
        select(goal.c.participant_id, goal.c.set_on),
        select(goal.c.participant_id, change.c.changed_on).join(change, change.c.goal_id == goal.c.id),
    ).subquery()
    last_entries = (
        select(entries.c.participant_id)
        .group_by(entries.c.participant_id)
        .having(func.max(entries.c.entry_on) < before)
        .limit(limit)
    )
    return list(session.scalars(select(Participant).where(Participant.id.in_(last_entries))))  # type: ignore[attr-defined]


def _table(name: str) -> Table:
    return metadata.tables[f"{SCHEMA}.{name}"]
