"""Sample events, as the producers build them, for tests that feed consumers directly."""

import uuid
from datetime import date

from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import CloudEvent, new_event
from insikt_common.contracts.survey import AnswerValue, ResponseSubmitted
from insikt_common.contracts.units import UnitRef


def response_submitted(round_id: str, unit_id: str, code: str = "1") -> CloudEvent:
    payload = ResponseSubmitted(
        response_id=str(uuid.uuid4()),
        round_id=round_id,
        questionnaire_id="q-test",
        questionnaire_version=1,
        unit=UnitRef(id=unit_id, name=f"Enhet {unit_id}", type="hvb", municipality_code="0580"),
        submitted_on=date.today(),
        answers=[AnswerValue(link_id="q1", code=code)],
    )
    return new_event(RESPONSE_SUBMITTED.type, "/test", f"round/{round_id}", payload)
