from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from insikt_common.errors import NotFound
from survey_api.questionnaires.models import Questionnaire


def get(session: Session, questionnaire_id: str, version: int) -> Questionnaire | None:
    return session.get(Questionnaire, (questionnaire_id, version))


def latest(session: Session, organisation_id: str, questionnaire_id: str, *, published: bool = False) -> Questionnaire:
    """The newest version (the newest published one with ``published``) in the organisation, or 404."""
    query = select(Questionnaire).where(
        col(Questionnaire.id) == questionnaire_id, col(Questionnaire.organisation_id) == organisation_id
    )
    if published:
        query = query.where(col(Questionnaire.status) == "published")
    found = session.scalars(query.order_by(col(Questionnaire.version).desc()).limit(1)).first()
    if found is None:
        raise NotFound(f"questionnaire {questionnaire_id} not found")
    return found


def get_or_raise(session: Session, organisation_id: str, questionnaire_id: str, version: int) -> Questionnaire:
    found = get(session, questionnaire_id, version)
    if found is None or found.organisation_id != organisation_id:
        raise NotFound(f"questionnaire {questionnaire_id} version {version} not found")
    return found


def list_latest(session: Session, organisation_id: str) -> list[Questionnaire]:
    rows = session.scalars(
        select(Questionnaire)
        .where(col(Questionnaire.organisation_id) == organisation_id)
        .order_by(col(Questionnaire.title), col(Questionnaire.id), col(Questionnaire.version).desc())
    )
    newest: dict[str, Questionnaire] = {}
    for row in rows:
        newest.setdefault(row.id, row)
    return list(newest.values())


def add(session: Session, questionnaire: Questionnaire) -> None:
    session.add(questionnaire)
