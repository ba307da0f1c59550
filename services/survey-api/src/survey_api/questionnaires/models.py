from datetime import date
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from survey_api.models import SurveyTable


class Questionnaire(SurveyTable, table=True):
    """One version of a questionnaire; ``id`` is shared by all versions of the same questionnaire."""

    id: str = Field(primary_key=True, max_length=36)
    version: int = Field(primary_key=True)
    organisation_id: str = Field(max_length=64, index=True)
    title: str = Field(max_length=200)
    status: str = Field(default="draft", max_length=16)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """Title translations and items, as the API shows them (camelCase FHIR names)."""
    published_on: date | None = None
