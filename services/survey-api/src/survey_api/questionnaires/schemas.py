"""The questionnaire shape: a subset of FHIR Questionnaire (``item``, ``linkId``, ``answerOption``)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ItemType = Literal["choice", "integer", "string"]


class AnswerOption(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    code: str = Field(min_length=1, max_length=64)
    display: str = Field(min_length=1, max_length=200)
    positive: bool = False
    """Counts towards the share positive."""
    non_substantive: bool = Field(default=False, alias="nonSubstantive")
    """Vet inte / Ej aktuellt: left out of denominators."""


class Item(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    link_id: str = Field(alias="linkId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    text: str = Field(min_length=1, max_length=1000)
    type: ItemType
    required: bool = False
    area: str | None = Field(default=None, max_length=64)
    answer_option: list[AnswerOption] = Field(default_factory=list, alias="answerOption")
    min_value: int | None = Field(default=None, alias="minValue")
    max_value: int | None = Field(default=None, alias="maxValue")

    @model_validator(mode="after")
    def _options_fit_type(self) -> "Item":
        if self.type == "choice" and not self.answer_option:
            raise ValueError(f"item {self.link_id}: a choice item needs answerOption")
        if self.type != "choice" and self.answer_option:
            raise ValueError(f"item {self.link_id}: only choice items take answerOption")
        codes = [o.code for o in self.answer_option]
        if len(codes) != len(set(codes)):
            raise ValueError(f"item {self.link_id}: answer codes must be unique")
        return self


class QuestionnaireCreate(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    title: str = Field(min_length=1, max_length=200)
    item: list[Item] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_link_ids(self) -> "QuestionnaireCreate":
        ids = [i.link_id for i in self.item]
        if len(ids) != len(set(ids)):
            raise ValueError("linkId must be unique within a questionnaire")
        return self


class QuestionnaireRead(QuestionnaireCreate):
    id: str
    version: int
    status: Literal["draft", "published"]
    published_on: date | None
