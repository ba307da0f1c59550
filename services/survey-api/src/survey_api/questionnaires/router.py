from typing import Annotated, Any

from fastapi import APIRouter, Body, status

from insikt_common.db import SessionDep
from survey_api import examples
from survey_api.auth import AdminDep, ReaderDep
from survey_api.questionnaires import service
from survey_api.questionnaires.schemas import (
    ExampleQuestionnaire,
    QuestionnaireContent,
    QuestionnaireRead,
    QuestionnaireSummary,
)

router = APIRouter(prefix="/v1/questionnaires", tags=["questionnaires"])


@router.get("")
def list_questionnaires(session: SessionDep, principal: ReaderDep) -> list[QuestionnaireSummary]:
    """The organisation's questionnaires, each at its newest version."""
    return service.list_questionnaires(session, principal.organisation_id)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_questionnaire(data: QuestionnaireContent, session: SessionDep, principal: AdminDep) -> QuestionnaireRead:
    """Create a questionnaire as a draft (version 1); publish it before a round can use it."""
    return service.create(session, principal.organisation_id, data)


@router.get("/examples")
def list_example_questionnaires(principal: ReaderDep) -> list[ExampleQuestionnaire]:
    """The example questionnaires Insikt ships (Swedish and English)."""
    return [ExampleQuestionnaire(name=n, title=examples.load(n)["title"]) for n in examples.names()]


@router.post("/examples/{name}", status_code=status.HTTP_201_CREATED)
def load_example_questionnaire(name: str, session: SessionDep, principal: AdminDep) -> QuestionnaireRead:
    """Copy an example into the organisation as a new draft, to adapt and publish."""
    return service.create(session, principal.organisation_id, QuestionnaireContent.model_validate(examples.load(name)))


@router.post("/fhir", status_code=status.HTTP_201_CREATED)
def import_fhir_questionnaire(
    document: Annotated[dict[str, Any], Body(examples=[{"resourceType": "Questionnaire", "title": "…", "item": []}])],
    session: SessionDep,
    principal: AdminDep,
) -> QuestionnaireRead:
    """Import a FHIR R4 Questionnaire as a new draft (Insikt's extensions carry kind, area and scale flags)."""
    return service.import_fhir(session, principal.organisation_id, document)


@router.get("/{questionnaire_id}/fhir")
def export_fhir_questionnaire(questionnaire_id: str, session: SessionDep, principal: ReaderDep) -> dict[str, Any]:
    """The newest version as a FHIR R4 Questionnaire."""
    return service.export_fhir(session, principal.organisation_id, questionnaire_id, None)


@router.get("/{questionnaire_id}/versions/{version}/fhir")
def export_fhir_questionnaire_version(
    questionnaire_id: str, version: int, session: SessionDep, principal: ReaderDep
) -> dict[str, Any]:
    return service.export_fhir(session, principal.organisation_id, questionnaire_id, version)


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
