from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reporting.outcomes.models import (
    AssessmentEntry,
    GoalEntry,
    InstrumentEntry,
    InterventionEntry,
    ParticipantEntry,
)


def participant_ids(session: Session, unit_id: str) -> list[str]:
    statement = select(col(ParticipantEntry.id)).where(col(ParticipantEntry.unit_id) == unit_id)
    return list(session.scalars(statement))


def assessments(session: Session, unit_id: str) -> list[AssessmentEntry]:
    statement = (
        select(AssessmentEntry)
        .where(col(AssessmentEntry.unit_id) == unit_id)
        .order_by(
            col(AssessmentEntry.participant_id), col(AssessmentEntry.assessed_on), col(AssessmentEntry.assessment_id)
        )
    )
    return list(session.scalars(statement))


def interventions(session: Session, unit_id: str) -> list[InterventionEntry]:
    statement = select(InterventionEntry).where(col(InterventionEntry.unit_id) == unit_id)
    return list(session.scalars(statement))


def goals(session: Session, unit_id: str) -> list[GoalEntry]:
    statement = select(GoalEntry).where(col(GoalEntry.unit_id) == unit_id)
    return list(session.scalars(statement.order_by(GoalEntry.goal_id)))


def latest_instruments(session: Session) -> dict[str, InstrumentEntry]:
    """The latest version of each instrument (its scale, direction and step)."""
    latest: dict[str, InstrumentEntry] = {}
    for row in session.scalars(
        select(InstrumentEntry).order_by(col(InstrumentEntry.instrument_id), col(InstrumentEntry.version))
    ):
        latest[row.instrument_id] = row
    return latest


def organisation_of_unit(session: Session, unit_id: str) -> str | None:
    statement = select(col(ParticipantEntry.organisation_id)).where(col(ParticipantEntry.unit_id) == unit_id).limit(1)
    return session.execute(statement).scalar_one_or_none()
