from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.contracts.catalogue import QUESTIONNAIRE_PUBLISHED
from insikt_common.contracts.envelope import random_id
from insikt_common.contracts.survey import OptionDefinition, QuestionDefinition, QuestionnairePublished
from insikt_common.errors import Conflict, Unprocessable, field_error
from survey_api.events import emit
from survey_api.questionnaires import fhir, repository
from survey_api.questionnaires.models import Questionnaire
from survey_api.questionnaires.schemas import (
    Item,
    QuestionnaireContent,
    QuestionnaireRead,
    QuestionnaireSummary,
)
from survey_api.responses.validation import answerable


def create(session: Session, organisation_id: str, data: QuestionnaireContent) -> QuestionnaireRead:
    """A new questionnaire: version 1, a draft."""
    questionnaire = Questionnaire(
        id=random_id(), version=1, organisation_id=organisation_id, title=data.title, content=_content(data)
    )
    repository.add(session, questionnaire)
    return to_read(questionnaire)


def save_draft(
    session: Session, organisation_id: str, questionnaire_id: str, data: QuestionnaireContent
) -> QuestionnaireRead:
    """Replace the draft, or start the next version when the newest one is published (never change it)."""
    newest = repository.latest(session, organisation_id, questionnaire_id)
    if newest.status == "draft":
        newest.title, newest.content = data.title, _content(data)
        return to_read(newest)
    following = Questionnaire(
        id=questionnaire_id,
        version=newest.version + 1,
        organisation_id=organisation_id,
        title=data.title,
        content=_content(data),
    )
    repository.add(session, following)
    return to_read(following)


def publish(session: Session, organisation_id: str, questionnaire_id: str) -> QuestionnaireRead:
    """Freeze the newest version: from now on responses are validated against exactly this."""
    questionnaire = repository.latest(session, organisation_id, questionnaire_id)
    if questionnaire.status == "published":
        raise Conflict(f"questionnaire {questionnaire_id} version {questionnaire.version} is already published")
    questionnaire.status = "published"
    questionnaire.published_on = clock.today()
    emit(session, QUESTIONNAIRE_PUBLISHED, f"questionnaire/{questionnaire.id}", published_event(questionnaire))
    return to_read(questionnaire)


def get(session: Session, organisation_id: str, questionnaire_id: str, version: int | None = None) -> QuestionnaireRead:
    if version is None:
        return to_read(repository.latest(session, organisation_id, questionnaire_id))
    return to_read(repository.get_or_raise(session, organisation_id, questionnaire_id, version))


def import_fhir(session: Session, organisation_id: str, document: dict[str, Any]) -> QuestionnaireRead:
    """A FHIR Questionnaire becomes a new draft questionnaire (422 naming what does not fit)."""
    try:
        content = fhir.questionnaire_from_fhir(document)
    except ValidationError as exc:
        raise Unprocessable(
            [field_error(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from exc
    except (fhir.FhirError, KeyError, AttributeError, TypeError) as exc:
        raise Unprocessable([field_error("body", str(exc))]) from exc
    return create(session, organisation_id, content)


def export_fhir(session: Session, organisation_id: str, questionnaire_id: str, version: int | None) -> dict[str, Any]:
    questionnaire = (
        repository.latest(session, organisation_id, questionnaire_id)
        if version is None
        else repository.get_or_raise(session, organisation_id, questionnaire_id, version)
    )
    return fhir.questionnaire_to_fhir(
        content_of(questionnaire),
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        published=questionnaire.status == "published",
    )


def list_questionnaires(session: Session, organisation_id: str) -> list[QuestionnaireSummary]:
    return [
        QuestionnaireSummary(id=q.id, version=q.version, title=q.title, status=_status(q))
        for q in repository.list_latest(session, organisation_id)
    ]


_PUBLISHED_CONTENT: dict[tuple[str, int], tuple[str, QuestionnaireContent]] = {}
"""(id, version) -> (organisation, parsed content) of published versions, which never change."""
_PUBLISHED_CONTENT_MAX = 256


def content_of(questionnaire: Questionnaire) -> QuestionnaireContent:
    """The parsed content. A published version never changes, so it is parsed once per process:
    every response is validated against it. Callers treat the result as read-only."""
    if questionnaire.status != "published":
        return QuestionnaireContent.model_validate(questionnaire.content)
    key = (questionnaire.id, questionnaire.version)
    cached = _PUBLISHED_CONTENT.get(key)
    if cached is None:
        if len(_PUBLISHED_CONTENT) >= _PUBLISHED_CONTENT_MAX:
            _PUBLISHED_CONTENT.clear()
        content = QuestionnaireContent.model_validate(questionnaire.content)
        cached = _PUBLISHED_CONTENT[key] = (questionnaire.organisation_id, content)
    return cached[1]


def published_content(
    session: Session, organisation_id: str, questionnaire_id: str, version: int
) -> QuestionnaireContent:
    """The content of a version a round uses (always a published one), read from the database once
    per process: a published version never changes. 404 for another organisation's questionnaire."""
    cached = _PUBLISHED_CONTENT.get((questionnaire_id, version))
    if cached is not None and cached[0] == organisation_id:
        return cached[1]
    return content_of(repository.get_or_raise(session, organisation_id, questionnaire_id, version))


def items_of(questionnaire: Questionnaire) -> list[Item]:
    """The top-level items (groups hold their own)."""
    return content_of(questionnaire).item


def published_event(questionnaire: Questionnaire) -> QuestionnairePublished:
    return QuestionnairePublished(
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        title_sv=questionnaire.title,
        items=[_definition(item, not gates) for item, gates in answerable(items_of(questionnaire))],
    )


def _definition(item: Item, unconditional: bool) -> QuestionDefinition:
    assert item.kind is not None
    return QuestionDefinition(
        link_id=item.link_id,
        kind=item.kind,
        text_sv=item.text,
        area=item.area,
        options=[
            OptionDefinition(
                code=o.code,
                order=o.order or position,
                label_sv=o.display,
                positive=o.positive,
                non_substantive=o.non_substantive,
                value=o.value,
            )
            for position, o in enumerate(item.answer_option, start=1)
        ],
        min_value=item.min_value,
        max_value=item.max_value,
        always_answered=item.required and unconditional,
    )


def _content(data: QuestionnaireContent) -> dict[str, Any]:
    return data.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def _status(q: Questionnaire) -> Literal["draft", "published"]:
    return "published" if q.status == "published" else "draft"


def to_read(q: Questionnaire) -> QuestionnaireRead:
    content = content_of(q)
    return QuestionnaireRead(
        id=q.id,
        version=q.version,
        status=_status(q),
        published_on=q.published_on,
        title=content.title,
        title_translation=content.title_translation,
        item=content.item,
    )
