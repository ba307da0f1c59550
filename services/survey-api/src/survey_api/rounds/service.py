import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common import clock
from insikt_common.contracts.catalogue import ROUND_CLOSED, ROUND_OPENED
from insikt_common.contracts.envelope import random_id
from insikt_common.contracts.survey import RoundClosed, RoundOpened
from insikt_common.errors import Gone, NotFound, Unprocessable, field_error
from survey_api.events import emit
from survey_api.questionnaires import repository as questionnaires
from survey_api.questionnaires.models import Questionnaire
from survey_api.rounds.models import RoundUnit, SurveyRound
from survey_api.rounds.schemas import RoundCreate, RoundRead
from survey_api.units.models import Unit


def open_round(session: Session, organisation_id: str, data: RoundCreate) -> RoundRead:
    questionnaire = (
        questionnaires.get(session, data.questionnaire_id, data.questionnaire_version)
        if data.questionnaire_version is not None
        else _newest_published(session, organisation_id, data.questionnaire_id)
    )
    if questionnaire is None or questionnaire.organisation_id != organisation_id or questionnaire.status != "published":
        raise Unprocessable([field_error("questionnaire_id", "must name a published questionnaire version")])
    unit_ids = sorted(set(data.unit_ids))
    known = set(
        session.scalars(
            select(col(Unit.id)).where(col(Unit.id).in_(unit_ids), col(Unit.organisation_id) == organisation_id)
        )
    )
    if missing := [u for u in unit_ids if u not in known]:
        raise Unprocessable([field_error("unit_ids", f"unknown units: {', '.join(missing)}")])
    survey_round = SurveyRound(
        id=random_id(),
        organisation_id=organisation_id,
        title=data.title,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        access_mode=data.access_mode,
        min_cell_count=data.min_cell_count,
    )
    session.add(survey_round)
    session.flush()
    links = data.access_mode == "open_link"
    session.add_all(
        [
            RoundUnit(round_id=survey_round.id, unit_id=u, link_token=secrets.token_urlsafe(18) if links else None)
            for u in unit_ids
        ]
    )
    opened = RoundOpened(
        round_id=survey_round.id,
        organisation_id=organisation_id,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        title=survey_round.title,
        opens_on=survey_round.opens_on,
        closes_on=survey_round.closes_on,
        unit_ids=unit_ids,
        access_mode=data.access_mode,
        min_cell_count=survey_round.min_cell_count,
    )
    emit(session, ROUND_OPENED, f"round/{survey_round.id}", opened)
    return to_read(survey_round, unit_ids)


def _newest_published(session: Session, organisation_id: str, questionnaire_id: str) -> Questionnaire | None:
    try:
        return questionnaires.latest(session, organisation_id, questionnaire_id, published=True)
    except NotFound:
        return None


def close_round(session: Session, organisation_id: str, round_id: str) -> RoundRead:
    """Close the round (closing it again changes nothing and sends nothing)."""
    survey_round = get_or_raise(session, round_id, organisation_id)
    if survey_round.status != "closed":
        survey_round.status = "closed"
        today = clock.today()
        emit(session, ROUND_CLOSED, f"round/{round_id}", RoundClosed(round_id=round_id, closed_on=today), on=today)
    return to_read(survey_round, unit_ids_of(session, round_id))


def get(session: Session, organisation_id: str, round_id: str) -> RoundRead:
    return to_read(get_or_raise(session, round_id, organisation_id), unit_ids_of(session, round_id))


def list_rounds(session: Session, organisation_id: str) -> list[RoundRead]:
    rounds = session.scalars(
        select(SurveyRound)
        .where(col(SurveyRound.organisation_id) == organisation_id)
        .order_by(col(SurveyRound.opens_on).desc(), col(SurveyRound.title))
    )
    return [to_read(r, unit_ids_of(session, r.id)) for r in rounds]


def get_or_raise(session: Session, round_id: str, organisation_id: str | None = None) -> SurveyRound:
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None or (organisation_id is not None and survey_round.organisation_id != organisation_id):
        raise NotFound(f"round {round_id} not found")
    return survey_round


def ensure_accepting(survey_round: SurveyRound, today: date) -> None:
    """A response is taken only while the round is open and within its period."""
    if survey_round.status != "open" or not survey_round.opens_on <= today <= survey_round.closes_on:
        raise Gone(f"round {survey_round.id} is not open for responses")


def unit_ids_of(session: Session, round_id: str) -> list[str]:
    return list(
        session.scalars(
            select(col(RoundUnit.unit_id)).where(col(RoundUnit.round_id) == round_id).order_by(col(RoundUnit.unit_id))
        )
    )


def takes_part(session: Session, round_id: str, unit_id: str) -> bool:
    return session.get(RoundUnit, (round_id, unit_id)) is not None


def to_read(survey_round: SurveyRound, unit_ids: list[str]) -> RoundRead:
    return RoundRead(
        id=survey_round.id,
        title=survey_round.title,
        questionnaire_id=survey_round.questionnaire_id,
        questionnaire_version=survey_round.questionnaire_version,
        unit_ids=unit_ids,
        opens_on=survey_round.opens_on,
        closes_on=survey_round.closes_on,
        access_mode="open_link" if survey_round.access_mode == "open_link" else "codes",
        min_cell_count=survey_round.min_cell_count,
        status="closed" if survey_round.status == "closed" else "open",
    )
