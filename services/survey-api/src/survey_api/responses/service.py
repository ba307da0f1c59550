import hashlib
import json
from datetime import date
from typing import Any, cast

from sqlalchemy import Executable, Table, select
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common import clock
from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import random_id
from insikt_common.contracts.survey import AnswerValue, ResponseSubmitted
from insikt_common.db import insert_with_conflicts
from insikt_common.errors import Conflict, InsiktError, NotFound, Unprocessable
from survey_api.access import service as access
from survey_api.access.gate import Gate, admit
from survey_api.events import emit
from survey_api.questionnaires import fhir
from survey_api.questionnaires import repository as questionnaires
from survey_api.questionnaires import service as questionnaire_service
from survey_api.questionnaires.service import items_of
from survey_api.responses.models import Response
from survey_api.responses.schemas import Receipt, ResponseSubmit
from survey_api.responses.scrubbing import scrub
from survey_api.responses.validation import answer_errors
from survey_api.rounds import service as rounds
from survey_api.units import service as units


def submit(
    session: Session, data: ResponseSubmit, gate: Gate, *, max_text: int, today: date | None = None
) -> tuple[Receipt, bool]:
    """Store a response and its event; returns the receipt and whether it is new.

    A repeated submission id is found by the insert itself (``ON CONFLICT DO NOTHING``), or, when
    the request is refused before it gets there (a closed round, a used code), before the refusal.
    The code is marked used last: that locks the unit's row (``access.service.use_code``).
    """
    today = today or clock.today()
    as_written = data.answers
    data = data.model_copy(update={"answers": [_as_kept(a) for a in data.answers]})
    key = _sha256(str(data.submission_id))
    digest = content_digest(data)
    try:
        admission = admit(session, gate, data)
        survey_round, unit_id = admission.survey_round, admission.unit_id
        if (data.round_id or survey_round.id) != survey_round.id or (data.unit_id or unit_id) != unit_id:
            raise NotFound("the code or link belongs to another round or unit")
        rounds.ensure_accepting(survey_round, today)
        items = questionnaire_service.published_content(
            session, survey_round.organisation_id, survey_round.questionnaire_id, survey_round.questionnaire_version
        ).item
        if errors := answer_errors(items, as_written, max_text):
            raise Unprocessable(errors)
    except InsiktError:
        if (earlier := _find(session, key)) is not None:
            return _repeat(earlier, data, digest), False
        raise

    response_id = random_id()
    stored = session.execute(
        _insert_new(session),
        {
            "id": response_id,
            "round_id": survey_round.id,
            "unit_id": unit_id,
            "questionnaire_id": survey_round.questionnaire_id,
            "questionnaire_version": survey_round.questionnaire_version,
            "submitted_on": today,
            "answers": data.answers,
            "submission_key": key,
            "content_digest": digest,
        },
    ).first()
    if stored is None:
        # The same submission was stored a moment ago (a retry, or another replica).
        if (earlier := _find(session, key)) is None:
            raise Conflict(f"submission {data.submission_id} could not be stored; send it again")
        return _repeat(earlier, data, digest), False

    unit = admission.unit(session)
    payload = ResponseSubmitted(
        response_id=response_id,
        round_id=survey_round.id,
        questionnaire_id=survey_round.questionnaire_id,
        questionnaire_version=survey_round.questionnaire_version,
        unit=units.ref(unit),
        submitted_on=today,
        answers=data.answers,
    )
    emit(session, RESPONSE_SUBMITTED, f"round/{survey_round.id}", payload, on=today)
    if admission.link is not None:
        gate.open_links.count(session, f"link:{admission.link}")
    if admission.code is not None:
        access.use_code(session, admission.code)
    return Receipt(submission_id=data.submission_id, received_on=today), True


_INSERT_NEW: dict[str, Executable] = {}


def _insert_new(session: Session) -> Executable:
    """``INSERT … ON CONFLICT (submission_key) DO NOTHING RETURNING id``, built once per dialect."""
    dialect = session.get_bind().dialect.name
    statement = _INSERT_NEW.get(dialect)
    if statement is None:
        table: Table = Response.__table__  # type: ignore[attr-defined]
        statement = _INSERT_NEW[dialect] = (
            insert_with_conflicts(session, table)
            .on_conflict_do_nothing(index_elements=[table.c.submission_key])
            .returning(table.c.id)
        )
    return statement


def _as_kept(answer: AnswerValue) -> AnswerValue:
    """The answer as it is stored and published: without the fields sent empty (``null``), its
    free text scrubbed."""
    kept = cast(AnswerValue, {field: value for field, value in answer.items() if value is not None})
    if (text := kept.get("text")) is not None:
        kept["text"] = scrub(text)
    return kept


def content_digest(data: ResponseSubmit) -> str:
    """SHA-256 of the answers alone (as kept): never of the code or link, which would tie the row to
    them."""
    return _sha256(json.dumps(data.answers, sort_keys=True, ensure_ascii=False))


def _find(session: Session, submission_key: str) -> Response | None:
    return session.scalars(select(Response).where(col(Response.submission_key) == submission_key)).first()


def _repeat(earlier: Response, data: ResponseSubmit, digest: str) -> Receipt:
    if earlier.content_digest != digest:
        raise Conflict(f"submission {data.submission_id} was already received with other content")
    return Receipt(submission_id=data.submission_id, received_on=earlier.submitted_on)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def export_fhir(session: Session, organisation_id: str, round_id: str) -> dict[str, Any]:
    """Every response of the round as FHIR QuestionnaireResponses in a collection Bundle, in id order."""
    survey_round = rounds.get_or_raise(session, round_id, organisation_id)
    questionnaire = questionnaires.get_or_raise(
        session, organisation_id, survey_round.questionnaire_id, survey_round.questionnaire_version
    )
    items = items_of(questionnaire)
    stored = session.scalars(select(Response).where(col(Response.round_id) == round_id).order_by(col(Response.id)))
    entries = [
        {
            "resource": fhir.response_to_fhir(
                response_id=r.id,
                questionnaire_id=r.questionnaire_id,
                version=r.questionnaire_version,
                submitted_on=r.submitted_on.isoformat(),
                items=items,
                answers=r.answers,
            )
        }
        for r in stored
    ]
    return {"resourceType": "Bundle", "type": "collection", "total": len(entries), "entry": entries}
