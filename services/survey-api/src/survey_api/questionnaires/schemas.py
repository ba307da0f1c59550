"""The questionnaire shape: FHIR Questionnaire's ``item``, ``linkId``, ``type``, ``answerOption``,
``enableWhen`` and nested groups, with Insikt's additions (quality area, item kind, positive and
non-substantive options, translations) as plain fields. ``fhir.py`` maps it to and from real FHIR.

Every text is Swedish; ``*Translation`` maps a language tag (``en``, ``ar``, ``sv-x-lattlast``) to
the same text in that language.
"""

import re
from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from insikt_common.contracts.survey import ItemKind

ItemType = Literal["group", "choice", "integer", "string", "text"]
LanguageTag = str
Translations = dict[LanguageTag, str]
DEFAULT_LANGUAGE = "sv"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


def _check_languages(translations: Translations, where: str) -> None:
    for tag in translations:
        if not re.match(LANGUAGE_PATTERN, tag):
            raise ValueError(f"{where}: {tag!r} is not a language tag")


class AnswerOption(Model):
    code: str = Field(min_length=1, max_length=64)
    display: str = Field(min_length=1, max_length=200)
    display_translation: Translations = Field(default_factory=dict, alias="displayTranslation")
    order: int | None = None
    """Position on the scale; defaults to the option's place in the list (1, 2, …)."""
    positive: bool = False
    """Counts towards the share positive."""
    non_substantive: bool = Field(default=False, alias="nonSubstantive")
    """Vet inte / Ej aktuellt: left out of denominators."""
    value: float | None = None
    """A number for means, when the scale is numeric."""


class EnableWhen(Model):
    """Show (and accept) the item only when another item was answered so."""

    question: str = Field(min_length=1, max_length=64)
    operator: Literal["exists", "=", "!="]
    answer_code: str | None = Field(default=None, alias="answerCode")
    answer_integer: int | None = Field(default=None, alias="answerInteger")
    answer_boolean: bool | None = Field(default=None, alias="answerBoolean")
    """Only with ``exists``: whether the question must have been answered (true) or not (false)."""

    @model_validator(mode="after")
    def _one_answer(self) -> Self:
        if self.operator == "exists":
            if self.answer_boolean is None or self.answer_code is not None or self.answer_integer is not None:
                raise ValueError("enableWhen 'exists' takes answerBoolean only")
        elif (self.answer_code is None) == (self.answer_integer is None) or self.answer_boolean is not None:
            raise ValueError(f"enableWhen '{self.operator}' takes one of answerCode or answerInteger")
        return self


KINDS_BY_TYPE: dict[str, set[str]] = {
    "choice": {"choice", "yes_no", "background_gender", "background_age"},
    "integer": {"rating"},
    "string": {"free_text"},
    "text": {"free_text"},
    "group": set(),
}
DEFAULT_KIND: dict[str, ItemKind] = {
    "choice": "choice",
    "integer": "rating",
    "string": "free_text",
    "text": "free_text",
}


class Item(Model):
    link_id: str = Field(alias="linkId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    text: str = Field(min_length=1, max_length=1000)
    text_translation: Translations = Field(default_factory=dict, alias="textTranslation")
    type: ItemType
    kind: ItemKind | None = None
    """What reporting does with it: ordinal ``choice``, 1–10 ``rating``, ``yes_no``, ``free_text``,
    background ``background_gender`` (kön) / ``background_age`` (åldersgrupp). Defaults from ``type``."""
    required: bool = False
    area: str | None = Field(default=None, max_length=64)
    """Quality area: information, delaktighet, bemotande, trygghet, tillganglighet, forandring, …"""
    answer_option: list[AnswerOption] = Field(default_factory=list, alias="answerOption")
    min_value: int | None = Field(default=None, alias="minValue")
    max_value: int | None = Field(default=None, alias="maxValue")
    max_length: int | None = Field(default=None, alias="maxLength", ge=1)
    enable_when: list[EnableWhen] = Field(default_factory=list, alias="enableWhen")
    enable_behavior: Literal["all", "any"] = Field(default="all", alias="enableBehavior")
    item: list["Item"] = Field(default_factory=list)
    """The items of a group."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        where = f"item {self.link_id}"
        if self.type == "group":
            if not self.item or self.answer_option or self.kind is not None:
                raise ValueError(f"{where}: a group holds items and nothing else")
            return self
        if self.item:
            raise ValueError(f"{where}: only groups hold items")
        if self.kind is None:
            self.kind = DEFAULT_KIND[self.type]
        if self.kind not in KINDS_BY_TYPE[self.type]:
            raise ValueError(f"{where}: kind {self.kind} does not fit type {self.type}")
        if self.type == "choice" and not self.answer_option:
            raise ValueError(f"{where}: a choice item needs answerOption")
        if self.type != "choice" and self.answer_option:
            raise ValueError(f"{where}: only choice items take answerOption")
        if self.kind == "rating" and (self.min_value is None or self.max_value is None):
            raise ValueError(f"{where}: a rating needs minValue and maxValue")
        codes = [o.code for o in self.answer_option]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{where}: answer codes must be unique")
        for position, option in enumerate(self.answer_option, start=1):
            if option.order is None:
                option.order = position
            _check_languages(option.display_translation, f"{where} option {option.code}")
        _check_languages(self.text_translation, where)
        return self


class QuestionnaireContent(Model):
    """What an author writes: the title and the items (a new version repeats all of it)."""

    title: str = Field(min_length=1, max_length=200)
    title_translation: Translations = Field(default_factory=dict, alias="titleTranslation")
    item: list[Item] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _links_are_sound(self) -> Self:
        _check_languages(self.title_translation, "title")
        flat = list(walk(self.item))
        ids = [i.link_id for i in flat]
        if len(ids) != len(set(ids)):
            raise ValueError("linkId must be unique within a questionnaire")
        answerable = {i.link_id: i for i in flat if i.type != "group"}
        seen: set[str] = set()
        for item in flat:
            for condition in item.enable_when:
                target = answerable.get(condition.question)
                if target is None or condition.question not in seen:
                    raise ValueError(f"item {item.link_id}: enableWhen must name an earlier question")
                if condition.answer_code is not None and condition.answer_code not in {
                    o.code for o in target.answer_option
                }:
                    raise ValueError(f"item {item.link_id}: enableWhen code {condition.answer_code!r} is not an option")
            seen.add(item.link_id)
        return self


QuestionnaireCreate = QuestionnaireContent


def walk(items: list[Item]) -> "list[Item]":
    """Every item in document order, groups before their children."""
    out: list[Item] = []
    for item in items:
        out.append(item)
        out.extend(walk(item.item))
    return out


class QuestionnaireRead(QuestionnaireContent):
    id: str
    """Stable across versions."""
    version: int
    status: Literal["draft", "published"]
    published_on: date | None = Field(alias="publishedOn")


class QuestionnaireSummary(Model):
    id: str
    version: int
    title: str
    status: Literal["draft", "published"]


class ExampleQuestionnaire(Model):
    name: str
    title: str
