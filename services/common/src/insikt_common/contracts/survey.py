"""Payloads of the events survey-api publishes."""

from datetime import date
from typing import Annotated, Literal, NotRequired

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from insikt_common.contracts.units import UnitRef


# A plain record rather than a model: a response carries dozens of answers, and a model each made
# reading a response event take twice as long (reporting reads every one again when it rebuilds).
class AnswerValue(TypedDict):
    """One answered item. Choice items carry ``code``; numeric items ``number``; free text ``text``."""

    link_id: Annotated[str, Field(min_length=1, max_length=64)]
    code: NotRequired[Annotated[str | None, Field(max_length=64)]]
    number: NotRequired[Annotated[float | None, Field(allow_inf_nan=False)]]
    text: NotRequired[Annotated[str | None, Field(max_length=4000)]]


class ResponseSubmitted(BaseModel):
    """A survey response was accepted.

    Carries no code, no client data and no time finer than the day it was submitted on.
    """

    response_id: str
    round_id: str
    questionnaire_id: str
    questionnaire_version: int
    unit: UnitRef
    submitted_on: date
    answers: list[AnswerValue]


ItemKind = Literal["choice", "rating", "yes_no", "free_text", "background_gender", "background_age"]


class OptionDefinition(BaseModel):
    """An answer option as reporting needs it: what counts as positive, what is left out."""

    code: str
    order: int
    label_sv: str
    positive: bool = False
    non_substantive: bool = False
    """Vet inte / Ej aktuellt: left out of the denominator of the share positive."""
    value: float | None = None
    """The option's number on a numeric scale (1–10 ratings), for means and spreads."""


class QuestionDefinition(BaseModel):
    link_id: str
    kind: ItemKind
    text_sv: str
    area: str | None = None
    """The quality area the item belongs to (information, delaktighet, bemötande, trygghet, …)."""
    options: list[OptionDefinition] = Field(default_factory=list)
    min_value: float | None = None
    max_value: float | None = None
    always_answered: bool = False
    """Every response answers it (required, and no enableWhen on it or a group above it): its number
    of answers is the unit's number of responses, which reporting's disclosure control relies on."""


class QuestionnairePublished(BaseModel):
    """A questionnaire version became immutable. ``questionnaire_id`` is stable across versions."""

    questionnaire_id: str
    version: int
    title_sv: str
    items: list[QuestionDefinition]
    """Flattened: items inside groups are listed in order, groups themselves are not."""


class UnitUpserted(BaseModel):
    unit: UnitRef


AccessMode = Literal["codes", "open_link"]


class RoundOpened(BaseModel):
    round_id: str
    organisation_id: str
    questionnaire_id: str
    questionnaire_version: int
    title: str
    opens_on: date
    closes_on: date
    unit_ids: list[str]
    access_mode: AccessMode
    min_cell_count: int = Field(ge=1)
    """k: every published cell must rest on at least this many answers."""


class RoundClosed(BaseModel):
    round_id: str
    closed_on: date


class CodesIssued(BaseModel):
    """One batch of one-time codes handed out to a unit: counts only, never the codes."""

    round_id: str
    unit_id: str
    count: int = Field(ge=1)
    issued_on: date
