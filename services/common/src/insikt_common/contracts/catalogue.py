"""Every event type Insikt publishes: its topic, its payload model and what keys it in Kafka."""

import builtins
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from insikt_common.contracts.envelope import CloudEvent, ContractError
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
from insikt_common.contracts.survey import (
    CodesIssued,
    QuestionnairePublished,
    ResponseSubmitted,
    RoundClosed,
    RoundOpened,
    UnitUpserted,
)

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class EventSpec:
    type: str
    topic: str
    payload: builtins.type[BaseModel]
    key_field: str
    """The payload field whose value is the Kafka key (the aggregate whose order matters)."""
    description: str
    producer: str
    consumer_groups: tuple[str, ...]


RESPONSE_SUBMITTED = EventSpec(
    type="se.insikt.survey.response.submitted.v1",
    topic="survey.response.v1",
    payload=ResponseSubmitted,
    key_field="unit.id",
    description="A survey response was accepted; counted by reporting.",
    producer="survey-api",
    consumer_groups=("reporting",),
)
PARTICIPANT_REGISTERED = EventSpec(
    type="se.insikt.outcome.participant.registered.v1",
    topic="outcome.participant.v1",
    payload=ParticipantRegistered,
    key_field="participant_id",
    description="A pseudonymous participant was registered at a unit.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
ASSESSMENT_RECORDED = EventSpec(
    type="se.insikt.outcome.assessment.recorded.v1",
    topic="outcome.assessment.v1",
    payload=AssessmentRecorded,
    key_field="participant_id",
    description="An assessment with one score per instrument area was recorded.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)

QUESTIONNAIRE_PUBLISHED = EventSpec(
    type="se.insikt.survey.questionnaire.published.v1",
    topic="survey.questionnaire.v1",
    payload=QuestionnairePublished,
    key_field="questionnaire_id",
    description="A questionnaire version was published (immutable from then on), with its items for reporting.",
    producer="survey-api",
    consumer_groups=("reporting",),
)
UNIT_UPSERTED = EventSpec(
    type="se.insikt.survey.unit.upserted.v1",
    topic="survey.unit.v1",
    payload=UnitUpserted,
    key_field="unit.id",
    description="A unit was created or its name, type, municipality or organisation changed.",
    producer="survey-api",
    consumer_groups=("reporting",),
)
ROUND_OPENED = EventSpec(
    type="se.insikt.survey.round.opened.v1",
    topic="survey.round.v1",
    payload=RoundOpened,
    key_field="round_id",
    description="A survey round was opened for a set of units, with its suppression threshold k.",
    producer="survey-api",
    consumer_groups=("reporting",),
)
ROUND_CLOSED = EventSpec(
    type="se.insikt.survey.round.closed.v1",
    topic="survey.round.v1",
    payload=RoundClosed,
    key_field="round_id",
    description="A survey round was closed; no more responses are taken.",
    producer="survey-api",
    consumer_groups=("reporting",),
)
CODES_ISSUED = EventSpec(
    type="se.insikt.survey.codes.issued.v1",
    topic="survey.codes.v1",
    payload=CodesIssued,
    key_field="unit_id",
    description="One-time codes were handed out to a unit (a count, never the codes): for the response rate.",
    producer="survey-api",
    consumer_groups=("reporting",),
)
INSTRUMENT_PUBLISHED = EventSpec(
    type="se.insikt.outcome.instrument.published.v1",
    topic="outcome.instrument.v1",
    payload=InstrumentPublished,
    key_field="instrument_id",
    description="A scale instrument version was published: its areas, scale and direction.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
PARTICIPANT_ERASED = EventSpec(
    type="se.insikt.outcome.participant.erased.v1",
    topic="outcome.participant.v1",
    payload=ParticipantErased,
    key_field="participant_id",
    description="A participant was erased; every consumer must forget them.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
INTERVENTION_STARTED = EventSpec(
    type="se.insikt.outcome.intervention.started.v1",
    topic="outcome.intervention.v1",
    payload=InterventionStarted,
    key_field="participant_id",
    description="An intervention (insats, placering) started.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
INTERVENTION_ENDED = EventSpec(
    type="se.insikt.outcome.intervention.ended.v1",
    topic="outcome.intervention.v1",
    payload=InterventionEnded,
    key_field="participant_id",
    description="An intervention ended, planned or not (an unplanned ending is a sammanbrott).",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
ASSESSMENT_CORRECTED = EventSpec(
    type="se.insikt.outcome.assessment.corrected.v1",
    topic="outcome.assessment.v1",
    payload=AssessmentCorrected,
    key_field="participant_id",
    description="An assessment was corrected; the new scores replace the earlier ones.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
GOAL_SET = EventSpec(
    type="se.insikt.outcome.goal.set.v1",
    topic="outcome.goal.v1",
    payload=GoalChanged,
    key_field="participant_id",
    description="A goal (effektmål) was set for a participant.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)
GOAL_UPDATED = EventSpec(
    type="se.insikt.outcome.goal.updated.v1",
    topic="outcome.goal.v1",
    payload=GoalChanged,
    key_field="participant_id",
    description="A goal's attainment (GAS level) or status changed.",
    producer="outcome-api",
    consumer_groups=("reporting",),
)

CATALOGUE: dict[str, EventSpec] = {
    spec.type: spec
    for spec in (
        QUESTIONNAIRE_PUBLISHED,
        UNIT_UPSERTED,
        ROUND_OPENED,
        ROUND_CLOSED,
        CODES_ISSUED,
        RESPONSE_SUBMITTED,
        INSTRUMENT_PUBLISHED,
        PARTICIPANT_REGISTERED,
        PARTICIPANT_ERASED,
        INTERVENTION_STARTED,
        INTERVENTION_ENDED,
        ASSESSMENT_RECORDED,
        ASSESSMENT_CORRECTED,
        GOAL_SET,
        GOAL_UPDATED,
    )
}


def spec_for_type(event_type: str) -> EventSpec:
    try:
        return CATALOGUE[event_type]
    except KeyError:
        raise ContractError(f"unknown event type {event_type!r}") from None


def key_of(spec: EventSpec, payload: BaseModel) -> str:
    value: object = payload
    for part in spec.key_field.split("."):
        value = getattr(value, part)
    return str(value)


def parse_payload(event: CloudEvent, model: type[P]) -> P:
    """Validate an event's data against its payload model, as a contract violation if it fails."""
    try:
        return model.model_validate(event.data)
    except ValueError as exc:
        raise ContractError(f"{event.type}: invalid data: {exc}") from exc
