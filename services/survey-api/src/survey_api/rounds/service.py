from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.contracts.envelope import random_id
from insikt_common.errors import Gone, NotFound, Unprocessable, field_error
from survey_api.questionnaires import repository as questionnaires
from survey_api.rounds.models import RoundUnit, SurveyRound
from survey_api.rounds.schemas import RoundCreate, RoundRead
from survey_api.units.models import Unit


def open_round(session: Session, data: RoundCreate) -> RoundRead:
    questionnaire = questionnaires.get(session, data.questionnaire_id)
    if questionnaire is None or questionnaire.status != "published":
        raise Unprocessable([field_error("questionnaire_id", "must name a published questionnaire")])
    unit_ids = sorted(set(data.unit_ids))
    known = set(session.scalars(select(col(Unit.id)).where(col(Unit.id).in_(unit_ids))))
    if missing := [u for u in unit_ids if u not in known]:
        raise Unprocessable([field_error("unit_ids", f"unknown units: {', '.join(missing)}")])
    survey_round = SurveyRound(
        id=random_id(),
        title=data.title,
        questionnaire_id=data.questionnaire_id,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        min_cell_count=data.min_cell_count,
    )
    session.add(survey_round)
    session.flush()
    session.add_all([RoundUnit(round_id=survey_round.id, unit_id=u) for u in unit_ids])
    return to_read(survey_round, unit_ids)


def close_round(session: Session, round_id: str) -> RoundRead:
    survey_round = get_or_raise(session, round_id)
    survey_round.status = "closed"
    return to_read(survey_round, unit_ids_of(session, round_id))


def get(session: Session, round_id: str) -> RoundRead:
    return to_read(get_or_raise(session, round_id), unit_ids_of(session, round_id))


def get_or_raise(session: Session, round_id: str) -> SurveyRound:
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise NotFound(f"round {round_id} not found")
    return survey_round


def ensure_accepting(survey_round: SurveyRound, today: date) -> None:
    """A response is taken only while the round is open and within its period."""
    if survey_round.status != "open" or not survey_round.opens_on <= today <= survey_round.closes_on:
        raise Gone(f"round {survey_round.id} is not open for responses")


def unit_ids_of(session: Session, round_id: str) -> list[str]:
    return list(session.scalars(select(col(RoundUnit.unit_id)).where(col(RoundUnit.round_id) == round_id)))


def takes_part(session: Session, round_id: str, unit_id: str) -> bool:
    return session.get(RoundUnit, (round_id, unit_id)) is not None


def to_read(survey_round: SurveyRound, unit_ids: list[str]) -> RoundRead:
    return RoundRead(
        id=survey_round.id,
        title=survey_round.title,
        questionnaire_id=survey_round.questionnaire_id,
        unit_ids=unit_ids,
        opens_on=survey_round.opens_on,
        closes_on=survey_round.closes_on,
        min_cell_count=survey_round.min_cell_count,
        status="closed" if survey_round.status == "closed" else "open",
    )
