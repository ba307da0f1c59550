from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from survey_api.questionnaires import service
from survey_api.questionnaires.schemas import QuestionnaireCreate, QuestionnaireRead

router = APIRouter(prefix="/v1/questionnaires", tags=["questionnaires"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model_by_alias=True)
def create_questionnaire(data: QuestionnaireCreate, session: SessionDep) -> QuestionnaireRead:
    """Create a draft questionnaire; publish it before a round can use it."""
    return service.create(session, data)


@router.post("/{questionnaire_id}/publish")
def publish_questionnaire(questionnaire_id: str, session: SessionDep) -> QuestionnaireRead:
    """Publish the questionnaire; it is immutable from then on."""
    return service.publish(session, questionnaire_id)


@router.get("/{questionnaire_id}")
def get_questionnaire(questionnaire_id: str, session: SessionDep) -> QuestionnaireRead:
    return service.get(session, questionnaire_id)
