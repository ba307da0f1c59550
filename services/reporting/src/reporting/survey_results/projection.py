"""Applies survey events to the survey read models."""

from collections.abc import Sequence
from typing import Any

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
from reporting.directory.projection import remember_unit, remember_units
from reporting.projection import insert_ignoring_duplicates, table_of, tally, upsert
from reporting.survey_results.models import (
    AnswerCount,
    CodesIssuedCount,
    Comment,
    QuestionnaireVersion,
    ResponseEntry,
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
    with tally(session, table_of(CodesIssuedCount), ["round_id", "unit_id"], "codes") as codes:
        codes[(issued.round_id, issued.unit_id)] += issued.count


def on_response_submitted(session: Session, event: CloudEvent) -> None:
    apply_responses(session, [parse_payload(event, ResponseSubmitted)])


_TOTAL_KEY = ("round_id", "unit_id")
_TOTAL_COLUMNS = (*_TOTAL_KEY, "questionnaire_id", "questionnaire_version")
_ANSWER_COLUMNS = ("round_id", "unit_id", "link_id", "answer")


def apply_responses(session: Session, responses: Sequence[ResponseSubmitted]) -> None:
    """Many responses at once: counters summed per row first (over the whole transaction, in the
    consumer), one statement per table."""
    remember_units(session, (r.unit for r in responses))
    entry_rows: list[dict[str, Any]] = []
    comment_rows: list[dict[str, str]] = []
    with (
        tally(session, table_of(RoundUnitTotal), _TOTAL_COLUMNS, "responses", key_columns=_TOTAL_KEY) as totals,
        tally(session, table_of(AnswerCount), _ANSWER_COLUMNS, "count") as answers,
    ):
        for response in responses:
            round_id, unit_id, response_id = response.round_id, response.unit.id, response.response_id
            totals[(round_id, unit_id, response.questionnaire_id, response.questionnaire_version)] += 1
            counted: list[tuple[str, str]] = []
            for a in response.answers:
                if (key := _counted_answer(a)) is not None:
                    counted.append((a["link_id"], key))
                if text := (a.get("text") or "").strip():
                    comment_rows.append(
                        {
                            "response_id": response_id,
                            "link_id": a["link_id"],
                            "round_id": round_id,
                            "unit_id": unit_id,
                            "text": text,
                        }
                    )
            # Counter.update counts a list in C: about a third of this loop's time per answer.
            answers.update([(round_id, unit_id, link_id, key) for link_id, key in counted])
            if counted:  # an item is answered once (survey-api refuses it twice)
                entry_rows.append(
                    {"response_id": response_id, "round_id": round_id, "unit_id": unit_id, "answers": dict(counted)}
                )
    insert_ignoring_duplicates(session, table_of(ResponseEntry), entry_rows)
    insert_ignoring_duplicates(session, table_of(Comment), comment_rows)


def _counted_answer(answer: AnswerValue) -> str | None:
    """Free text is not counted here (comments are reported apart, only for units reaching k)."""
    if (code := answer.get("code")) is not None:
        return code
    if (number := answer.get("number")) is not None:
        return f"{number:g}"
    return None
