from sqlalchemy.orm import Session

from insikt_common.errors import NotFound
from survey_api.questionnaires.models import Questionnaire


def get(session: Session, questionnaire_id: str) -> Questionnaire | None:
    return session.get(Questionnaire, questionnaire_id)


def get_or_raise(session: Session, questionnaire_id: str) -> Questionnaire:
    questionnaire = get(session, questionnaire_id)
    if questionnaire is None:
        raise NotFound(f"questionnaire {questionnaire_id} not found")
    return questionnaire


def add(session: Session, questionnaire: Questionnaire) -> None:
    session.add(questionnaire)
