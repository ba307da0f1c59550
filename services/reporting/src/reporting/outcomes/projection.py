"""Applies outcome events to the outcome read models."""

from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import parse_payload
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.outcome import AssessmentRecorded, ParticipantRegistered
from reporting.directory.projection import remember_unit
from reporting.outcomes.models import AreaAssessmentCount, ParticipantEntry
from reporting.projection import add_to_counters, table_of, upsert


def on_participant_registered(session: Session, event: CloudEvent) -> None:
    participant = parse_payload(event, ParticipantRegistered)
    remember_unit(session, participant.unit)
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


def on_assessment_recorded(session: Session, event: CloudEvent) -> None:
    assessment = parse_payload(event, AssessmentRecorded)
    add_to_counters(
        session,
        table_of(AreaAssessmentCount),
        ["unit_id", "instrument_id", "area", "occasion"],
        [
            {
                "unit_id": assessment.unit_id,
                "instrument_id": assessment.instrument_id,
                "area": score.area,
                "occasion": assessment.occasion,
                "assessments": 1,
                "score_sum": score.score,
            }
            for score in assessment.scores
        ],
        ["assessments", "score_sum"],
    )
