from datetime import date

from sqlalchemy import JSON
from sqlmodel import Field

from outcome_api.models import OutcomeTable


class Assessment(OutcomeTable, table=True):
    """One occasion on which a participant's areas were scored by one rater.

    Self and staff ratings of the same occasion are separate assessments: their disagreement is kept.
    """

    id: str = Field(primary_key=True, max_length=36)
    participant_id: str = Field(foreign_key="outcome.participant.id", index=True, max_length=36)
    unit_id: str = Field(foreign_key="outcome.unit.id", max_length=64)
    """The unit responsible when the assessment was made; the participant may move later."""
    instrument_id: str = Field(max_length=64)
    instrument_version: int
    occasion: str = Field(max_length=16)
    rater: str = Field(max_length=16)
    assessed_on: date
    revision: int = 1
    """1 as recorded; each correction adds one and keeps the replaced version."""


class AssessmentScore(OutcomeTable, table=True):
    __tablename__ = "assessment_score"

    assessment_id: str = Field(foreign_key="outcome.assessment.id", primary_key=True, max_length=36)
    area: str = Field(primary_key=True, max_length=64)
    score: float


class AssessmentRevision(OutcomeTable, table=True):
    """An earlier version of a corrected assessment, kept so a correction never loses what was recorded."""

    __tablename__ = "assessment_revision"

    assessment_id: str = Field(foreign_key="outcome.assessment.id", primary_key=True, max_length=36)
    revision: int = Field(primary_key=True)
    occasion: str = Field(max_length=16)
    rater: str = Field(max_length=16)
    assessed_on: date
    scores: dict[str, float] = Field(sa_type=JSON)
    replaced_on: date
