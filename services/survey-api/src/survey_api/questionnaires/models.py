from datetime import date
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from survey_api.models import SurveyTable


class Questionnaire(SurveyTable, table=True):
    id: str = Field(primary_key=True, max_length=36)
    title: str = Field(max_length=200)
    version: int = 1
    status: str = Field(default="draft", max_length=16)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The items, as the API shows them (camelCase FHIR names)."""
    published_on: date | None = None
