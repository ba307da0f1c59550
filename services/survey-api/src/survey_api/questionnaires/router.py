from fastapi import APIRouter, status

from insikt_common.db import SessionDep
from survey_api.auth import AdminDep, ReaderDep
from survey_api.questionnaires import service
from survey_api.questionnaires.schemas import QuestionnaireContent, QuestionnaireRead, QuestionnaireSummary

router = APIRouter(prefix="/v1/questionnaires", tags=["questionnaires"])


@router.get("")
def list_questionnaires(session: SessionDep, principal: ReaderDep) -> list[QuestionnaireSummary]:
    """The organisation's questionnaires, each at its newest version."""
    return service.list_questionnaires(session, principal.organisation_id)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_questionnaire(data: QuestionnaireContent, session: SessionDep, principal: AdminDep) -> QuestionnaireRead:
    """Create a questionnaire as a draft (version 1); publish it before a round can use it."""
    return service.create(session, principal.organisation_id, data)


@router.put("/{questionnaire_id}")
def save_questionnaire_draft(
    questionnaire_id: str, data: QuestionnaireContent, session: SessionDep, principal: AdminDep
) -> QuestionnaireRead:
    """Replace the draft; when the newest version is published this starts the next version instead."""
    return service.save_draft(session, principal.organisation_id, questionnaire_id, data)


@router.post("/{questionnaire_id}/publish")
def publish_questionnaire(questionnaire_id: str, session: SessionDep, principal: AdminDep) -> QuestionnaireRead:
    """Publish the newest version; it is immutable from then on (409 if it already is published)."""
    return service.publish(session, principal.organisation_id, questionnaire_id)


@router.get("/{questionnaire_id}")
def get_questionnaire(questionnaire_id: str, session: SessionDep, principal: ReaderDep) -> QuestionnaireRead:
    """The newest version, draft or published."""
    return service.get(session, principal.organisation_id, questionnaire_id)


@router.get("/{questionnaire_id}/versions/{version}")
def get_questionnaire_version(
    questionnaire_id: str, version: int, session: SessionDep, principal: ReaderDep
) -> QuestionnaireRead:
    return service.get(session, principal.organisation_id, questionnaire_id, version)
