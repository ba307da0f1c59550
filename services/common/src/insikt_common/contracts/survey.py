"""Payloads of the events survey-api publishes."""

from datetime import date

from pydantic import BaseModel, Field

from insikt_common.contracts.units import UnitRef


class AnswerValue(BaseModel):
    """One answered item. Choice items carry ``code``; numeric items ``number``; free text ``text``."""

    link_id: str = Field(min_length=1, max_length=64)
    code: str | None = Field(default=None, max_length=64)
    number: float | None = None
    text: str | None = Field(default=None, max_length=4000)


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
