"""Applies survey events to the survey read models."""

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.catalogue import parse_payload
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.survey import (
    AnswerValue,
    CodesIssued,
    QuestionnairePublished,
    ResponseSubmitted,
    RoundClosed,
    RoundOpened,
    UnitUpserted,
)
from reporting.directory.projection import remember_unit
from reporting.projection import add_to_counters, insert_ignoring_duplicates, table_of, upsert
from reporting.survey_results.models import (
    AnswerCount,
    CodesIssuedCount,
    Comment,
    QuestionnaireVersion,
    ResponseAnswer,
    RoundEntry,
    RoundUnitTotal,
)


def on_questionnaire_published(session: Session, event: CloudEvent) -> None:
    questionnaire = parse_payload(event, QuestionnairePublished)
    upsert(
        session,
        table_of(QuestionnaireVersion),
        ["questionnaire_id", "version"],
        {
            "questionnaire_id": questionnaire.questionnaire_id,
            "version": questionnaire.version,
            "title_sv": questionnaire.title_sv,
            "items": [item.model_dump(mode="json") for item in questionnaire.items],
        },
    )


def on_unit_upserted(session: Session, event: CloudEvent) -> None:
    remember_unit(session, parse_payload(event, UnitUpserted).unit)


def on_round_opened(session: Session, event: CloudEvent) -> None:
    opened = parse_payload(event, RoundOpened)
    upsert(session, table_of(RoundEntry), ["round_id"], opened.model_dump())


def on_round_closed(session: Session, event: CloudEvent) -> None:
    """Both round events share a topic and key, so the opening is always applied first."""
    closed = parse_payload(event, RoundClosed)
    session.execute(
        update(RoundEntry).where(col(RoundEntry.round_id) == closed.round_id).values(closed_on=closed.closed_on)
    )


def on_codes_issued(session: Session, event: CloudEvent) -> None:
    issued = parse_payload(event, CodesIssued)
    add_to_counters(
        session,
        table_of(CodesIssuedCount),
        ["round_id", "unit_id"],
        [{"round_id": issued.round_id, "unit_id": issued.unit_id, "codes": issued.count}],
        ["codes"],
    )


def on_response_submitted(session: Session, event: CloudEvent) -> None:
    response = parse_payload(event, ResponseSubmitted)
    remember_unit(session, response.unit)
    where = {"round_id": response.round_id, "unit_id": response.unit.id}
    add_to_counters(
        session,
        table_of(RoundUnitTotal),
        ["round_id", "unit_id"],
        [
            {
                **where,
                "questionnaire_id": response.questionnaire_id,
                "questionnaire_version": response.questionnaire_version,
                "responses": 1,
            }
        ],
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
    insert_ignoring_duplicates(
        session,
        table_of(ResponseAnswer),
        [{**where, "response_id": response.response_id, "link_id": link_id, "answer": key} for link_id, key in counted],
    )
    insert_ignoring_duplicates(
        session,
        table_of(Comment),
        [
            {**where, "response_id": response.response_id, "link_id": a.link_id, "text": a.text.strip()}
            for a in response.answers
            if a.text is not None and a.text.strip()
        ],
    )


def _counted_answer(answer: AnswerValue) -> str | None:
    """Free text is not counted here (comments are reported apart, only for units reaching k)."""
    if answer.code is not None:
        return answer.code
    if answer.number is not None:
        return f"{answer.number:g}"
    return None
