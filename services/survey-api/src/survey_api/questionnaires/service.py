from datetime import date

from sqlalchemy.orm import Session

from insikt_common.contracts.envelope import random_id
from insikt_common.errors import Conflict
from survey_api.questionnaires import repository
from survey_api.questionnaires.models import Questionnaire
from survey_api.questionnaires.schemas import Item, QuestionnaireCreate, QuestionnaireRead


def create(session: Session, data: QuestionnaireCreate) -> QuestionnaireRead:
    questionnaire = Questionnaire(
        id=random_id(),
        title=data.title,
        content={"item": [i.model_dump(by_alias=True, exclude_none=True) for i in data.item]},
    )
    repository.add(session, questionnaire)
    return to_read(questionnaire)


def publish(session: Session, questionnaire_id: str) -> QuestionnaireRead:
    """Freeze the questionnaire: from now on responses are validated against exactly this."""
    questionnaire = repository.get_or_raise(session, questionnaire_id)
    if questionnaire.status == "published":
        raise Conflict(f"questionnaire {questionnaire_id} is already published")
    questionnaire.status = "published"
    questionnaire.published_on = date.today()
    return to_read(questionnaire)


def get(session: Session, questionnaire_id: str) -> QuestionnaireRead:
    return to_read(repository.get_or_raise(session, questionnaire_id))


def items_of(questionnaire: Questionnaire) -> list[Item]:
    return [Item.model_validate(raw) for raw in questionnaire.content["item"]]


def to_read(q: Questionnaire) -> QuestionnaireRead:
    return QuestionnaireRead(
        id=q.id,
        title=q.title,
        version=q.version,
        status="published" if q.status == "published" else "draft",
        published_on=q.published_on,
        item=items_of(q),
    )
