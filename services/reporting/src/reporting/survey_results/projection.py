"""Applies survey events to the answer counts."""

from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import parse_payload
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.survey import AnswerValue, ResponseSubmitted
from reporting.directory.projection import remember_unit
from reporting.projection import add_to_counters, table_of
from reporting.survey_results.models import AnswerCount, RoundUnitTotal


def on_response_submitted(session: Session, event: CloudEvent) -> None:
    response = parse_payload(event, ResponseSubmitted)
    remember_unit(session, response.unit)
    where = {"round_id": response.round_id, "unit_id": response.unit.id}
    add_to_counters(
        session,
        table_of(RoundUnitTotal),
        ["round_id", "unit_id"],
        [{**where, "questionnaire_id": response.questionnaire_id, "responses": 1}],
        ["responses"],
    )
    counted = [(a.link_id, key) for a in response.answers if (key := _counted_answer(a)) is not None]
    add_to_counters(
        session,
        table_of(AnswerCount),
        ["round_id", "unit_id", "link_id", "answer"],
        [{**where, "link_id": link_id, "answer": key, "count": 1} for link_id, key in counted],
        ["count"],
    )


def _counted_answer(answer: AnswerValue) -> str | None:
    """Free text is not counted here (comments are reported apart, only for units reaching k)."""
    if answer.code is not None:
        return answer.code
    if answer.number is not None:
        return f"{answer.number:g}"
    return None
