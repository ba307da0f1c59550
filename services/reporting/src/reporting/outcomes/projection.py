"""Applies outcome events to per-participant read models.

Events of an erased participant are dropped: during a rebuild the erasure (on the participant
topic) may be read before their assessments or goals (on other topics).
"""

from sqlalchemy import delete
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.catalogue import parse_payload
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.outcome import (
    AssessmentCorrected,
    AssessmentRecorded,
    GoalChanged,
    InstrumentPublished,
    InterventionEnded,
    InterventionStarted,
    ParticipantErased,
    ParticipantRegistered,
)
from reporting.directory.projection import remember_unit
from reporting.outcomes.models import (
    AssessmentEntry,
    ErasedParticipant,
    GoalEntry,
    InstrumentEntry,
    InterventionEntry,
    ParticipantEntry,
)
from reporting.projection import insert_ignoring_duplicates, table_of, upsert

PER_PARTICIPANT = (AssessmentEntry, InterventionEntry, GoalEntry)


def _erased(session: Session, participant_id: str) -> bool:
    return session.get(ErasedParticipant, participant_id) is not None


def on_participant_registered(session: Session, event: CloudEvent) -> None:
    participant = parse_payload(event, ParticipantRegistered)
    remember_unit(session, participant.unit)
    if _erased(session, participant.participant_id):
        return
    upsert(
        session,
        table_of(ParticipantEntry),
        ["id"],
        {
            "id": participant.participant_id,
            "organisation_id": participant.organisation_id,
            "unit_id": participant.unit.id,
        },
    )


def on_participant_erased(session: Session, event: CloudEvent) -> None:
    erased = parse_payload(event, ParticipantErased)
    session.execute(delete(ParticipantEntry).where(col(ParticipantEntry.id) == erased.participant_id))
    for model in PER_PARTICIPANT:
        session.execute(delete(model).where(col(model.participant_id) == erased.participant_id))
    insert_ignoring_duplicates(session, table_of(ErasedParticipant), [{"participant_id": erased.participant_id}])


def on_instrument_published(session: Session, event: CloudEvent) -> None:
    instrument = parse_payload(event, InstrumentPublished)
    upsert(session, table_of(InstrumentEntry), ["instrument_id", "version"], instrument.model_dump(mode="json"))


def on_assessment_recorded(session: Session, event: CloudEvent) -> None:
    _keep_assessment(session, parse_payload(event, AssessmentRecorded))


def on_assessment_corrected(session: Session, event: CloudEvent) -> None:
    """The corrected assessment replaces the one with the same id."""
    _keep_assessment(session, parse_payload(event, AssessmentCorrected))


def _keep_assessment(session: Session, assessment: AssessmentRecorded) -> None:
    if _erased(session, assessment.participant_id):
        return
    row = assessment.model_dump(exclude={"scores"})
    row["scores"] = {score.area: score.score for score in assessment.scores}
    upsert(session, table_of(AssessmentEntry), ["assessment_id"], row)


def on_intervention_started(session: Session, event: CloudEvent) -> None:
    started = parse_payload(event, InterventionStarted)
    if _erased(session, started.participant_id):
        return
    upsert(
        session,
        table_of(InterventionEntry),
        ["intervention_id"],
        started.model_dump(exclude={"referring_municipality_code"}),
    )


def on_intervention_ended(session: Session, event: CloudEvent) -> None:
    ended = parse_payload(event, InterventionEnded)
    if _erased(session, ended.participant_id):
        return
    upsert(session, table_of(InterventionEntry), ["intervention_id"], ended.model_dump())


def on_goal_changed(session: Session, event: CloudEvent) -> None:
    """Set and updated alike: the goal's latest state (both share a topic and key, so they arrive in order)."""
    goal = parse_payload(event, GoalChanged)
    if _erased(session, goal.participant_id):
        return
    upsert(session, table_of(GoalEntry), ["goal_id"], goal.model_dump())
