"""Every event type Insikt publishes: its topic, its payload model and what keys it in Kafka."""

import builtins
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from insikt_common.contracts.envelope import CloudEvent, ContractError
from insikt_common.contracts.outcome import AssessmentRecorded, ParticipantRegistered
from insikt_common.contracts.survey import ResponseSubmitted

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

CATALOGUE: dict[str, EventSpec] = {
    spec.type: spec for spec in (RESPONSE_SUBMITTED, PARTICIPANT_REGISTERED, ASSESSMENT_RECORDED)
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
