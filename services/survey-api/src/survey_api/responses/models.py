from datetime import date
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from survey_api.models import SurveyTable


class Response(SurveyTable, table=True):
    """One anonymous response. Deliberately absent: any code, IP, user agent or time of day."""

    id: str = Field(primary_key=True, max_length=36)
    """Random (uuid4), never time-ordered."""
    round_id: str = Field(foreign_key="survey.survey_round.id", index=True, max_length=36)
    unit_id: str = Field(foreign_key="survey.unit.id", max_length=64)
    questionnaire_id: str = Field(max_length=36)
    questionnaire_version: int
    submitted_on: date
    answers: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    submission_key: str = Field(unique=True, max_length=64)
    """SHA-256 of the client's submission id, for idempotent retries."""
    content_digest: str = Field(max_length=64)
    """SHA-256 of the submitted content: the same submission id with other content is refused."""
