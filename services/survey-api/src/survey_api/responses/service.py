import hashlib
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import new_event, random_id
from insikt_common.contracts.survey import ResponseSubmitted
from insikt_common.errors import Conflict, NotFound, Unprocessable
from insikt_common.messaging.outbox import add_to_outbox
from survey_api.config import SERVICE_NAME
from survey_api.models import outbox
from survey_api.questionnaires import repository as questionnaires
from survey_api.questionnaires.service import items_of
from survey_api.responses.models import Response
from survey_api.responses.schemas import Receipt, ResponseSubmit
from survey_api.responses.validation import answer_errors
from survey_api.rounds import service as rounds
from survey_api.units import service as units


def submit(session: Session, data: ResponseSubmit, *, max_text: int, today: date | None = None) -> tuple[Receipt, bool]:
    """Store a response and its event; returns the receipt and whether it is new."""
    today = today or date.today()
    key = _sha256(str(data.submission_id))
    digest = _sha256(ResponseSubmit.model_dump_json(data, exclude={"submission_id"}))
    if (earlier := _find(session, key)) is not None:
        return _repeat(earlier, data, digest), False

    survey_round = rounds.get_or_raise(session, data.round_id)
    if not rounds.takes_part(session, data.round_id, data.unit_id):
        raise NotFound(f"unit {data.unit_id} does not take part in round {data.round_id}")
    rounds.ensure_accepting(survey_round, today)
    questionnaire = questionnaires.get_or_raise(
        session, survey_round.organisation_id, survey_round.questionnaire_id, survey_round.questionnaire_version
    )
    if errors := answer_errors(items_of(questionnaire), data.answers, max_text):
        raise Unprocessable(errors)

    response = Response(
        id=random_id(),
        round_id=data.round_id,
        unit_id=data.unit_id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        submitted_on=today,
        answers=[a.model_dump(exclude_none=True) for a in data.answers],
        submission_key=key,
        content_digest=digest,
    )
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError:
        # Another replica stored the same submission a moment ago.
        if (earlier := _find(session, key)) is None:
            raise
        return _repeat(earlier, data, digest), False

    unit = units.get_or_raise(session, data.unit_id)
    payload = ResponseSubmitted(
        response_id=response.id,
        round_id=response.round_id,
        questionnaire_id=response.questionnaire_id,
        questionnaire_version=response.questionnaire_version,
        unit=units.ref(unit),
        submitted_on=today,
        answers=data.answers,
    )
    # The event's time is the day, not the moment: nothing downstream learns when someone answered.
    day = datetime.combine(today, time.min, tzinfo=UTC)
    event = new_event(RESPONSE_SUBMITTED.type, f"/{SERVICE_NAME}", f"round/{response.round_id}", payload, time=day)
    add_to_outbox(session, outbox, RESPONSE_SUBMITTED, event)
    return Receipt(submission_id=data.submission_id, received_on=today), True


def _find(session: Session, submission_key: str) -> Response | None:
    return session.scalars(select(Response).where(col(Response.submission_key) == submission_key)).first()


def _repeat(earlier: Response, data: ResponseSubmit, digest: str) -> Receipt:
    if earlier.content_digest != digest:
        raise Conflict(f"submission {data.submission_id} was already received with other content")
    return Receipt(submission_id=data.submission_id, received_on=earlier.submitted_on)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
