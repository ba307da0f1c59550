"""Sample events, as the producers build them, for tests that feed consumers directly."""

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel

from insikt_common import clock
from insikt_common.contracts.catalogue import (
    INTERVENTION_STARTED,
    PARTICIPANT_REGISTERED,
    QUESTIONNAIRE_PUBLISHED,
    RESPONSE_SUBMITTED,
    ROUND_OPENED,
    EventSpec,
    key_of,
)
from insikt_common.contracts.envelope import CloudEvent, new_event
from insikt_common.contracts.outcome import InterventionStarted, ParticipantRegistered
from insikt_common.contracts.survey import (
    AnswerValue,
    OptionDefinition,
    QuestionDefinition,
    QuestionnairePublished,
    ResponseSubmitted,
    RoundOpened,
)
from insikt_common.contracts.units import UnitRef

Gender = Literal["female", "male", "other", "unknown"]


def response_submitted(round_id: str, unit_id: str, code: str = "1") -> CloudEvent:
    payload = ResponseSubmitted(
        response_id=str(uuid.uuid4()),
        round_id=round_id,
        questionnaire_id="q-test",
        questionnaire_version=1,
        unit=UnitRef(id=unit_id, name=f"Enhet {unit_id}", type="hvb", municipality_code="0580"),
        submitted_on=clock.today(),
        answers=[AnswerValue(link_id="q1", code=code)],
    )
    return new_event(RESPONSE_SUBMITTED.type, "/test", f"round/{round_id}", payload)


def event(spec: EventSpec, payload: BaseModel, source: str = "/test") -> CloudEvent:
    """Any catalogued event, with the envelope its producer would give it."""
    return new_event(spec.type, source, f"{spec.key_field.split('.')[0]}/{key_of(spec, payload)}", payload)


def participant_joined(
    participant_id: str, unit: UnitRef, kind: str, *, registered: bool = True, gender: Gender = "unknown"
) -> list[CloudEvent]:
    """A participant of ``unit`` (registered, unless already) starting an intervention of ``kind``."""
    organisation_id = unit.organisation_id or "org-test"
    started = InterventionStarted(
        intervention_id=f"{participant_id}-{kind}",
        participant_id=participant_id,
        organisation_id=organisation_id,
        unit_id=unit.id,
        kind=kind,
        referring_municipality_code=None,
        started_on=date(2026, 2, 1),
    )
    joined = [event(INTERVENTION_STARTED, started)]
    if registered:
        participant = ParticipantRegistered(
            participant_id=participant_id, organisation_id=organisation_id, unit=unit, birth_year=1990, gender=gender
        )
        joined.insert(0, event(PARTICIPANT_REGISTERED, participant))
    return joined


SCALE = [
    OptionDefinition(code="1", order=1, label_sv="Mycket nöjd", positive=True),
    OptionDefinition(code="2", order=2, label_sv="Ganska nöjd", positive=True),
    OptionDefinition(code="3", order=3, label_sv="Ganska missnöjd"),
    OptionDefinition(code="4", order=4, label_sv="Mycket missnöjd"),
    OptionDefinition(code="9", order=5, label_sv="Vet inte", non_substantive=True),
]


GENDER = [
    OptionDefinition(code="K", order=1, label_sv="Kvinna"),
    OptionDefinition(code="M", order=2, label_sv="Man"),
]


def questionnaire_published(questionnaire_id: str, items: list[QuestionDefinition], version: int = 1) -> CloudEvent:
    payload = QuestionnairePublished(questionnaire_id=questionnaire_id, version=version, title_sv="Test", items=items)
    return event(QUESTIONNAIRE_PUBLISHED, payload)


def round_opened(
    round_id: str,
    questionnaire_id: str,
    unit_ids: list[str],
    *,
    organisation_id: str = "org-test",
    k: int = 5,
    opens_on: date | None = None,
) -> CloudEvent:
    opens = opens_on or clock.today()
    payload = RoundOpened(
        round_id=round_id,
        organisation_id=organisation_id,
        questionnaire_id=questionnaire_id,
        questionnaire_version=1,
        title=f"Omgång {opens.year}",
        opens_on=opens,
        closes_on=opens,
        unit_ids=unit_ids,
        access_mode="codes",
        min_cell_count=k,
    )
    return event(ROUND_OPENED, payload)


def response(
    round_id: str, unit: UnitRef, answers: dict[str, str | float], questionnaire_id: str = "q-test"
) -> CloudEvent:
    values = [
        AnswerValue(link_id=link_id, number=value)
        if isinstance(value, float)
        else AnswerValue(link_id=link_id, text=value[5:])
        if value.startswith("text:")
        else AnswerValue(link_id=link_id, code=value)
        for link_id, value in answers.items()
    ]
    payload = ResponseSubmitted(
        response_id=str(uuid.uuid4()),
        round_id=round_id,
        questionnaire_id=questionnaire_id,
        questionnaire_version=1,
        unit=unit,
        submitted_on=clock.today(),
        answers=values,
    )
    return event(RESPONSE_SUBMITTED, payload)
