from datetime import date

from pydantic import BaseModel, Field

from insikt_common.contracts.outcome import Occasion, Rater


class AssessmentCreate(BaseModel):
    instrument_id: str = Field(min_length=1, max_length=64, examples=["insikt-livssituation"])
    occasion: Occasion
    rater: Rater
    assessed_on: date
    scores: dict[str, float] = Field(examples=[{"boende": 4, "ekonomi": 3, "trygghet": 7}])
    """A score per area code; areas not scored this time are left out."""


class AssessmentRead(AssessmentCreate):
    id: str
    participant_id: str
    unit_id: str
    instrument_version: int
    revision: int


class AssessmentRevisionRead(BaseModel):
    """A version of an assessment that a correction replaced."""

    revision: int
    occasion: Occasion
    rater: Rater
    assessed_on: date
    scores: dict[str, float]
    replaced_on: date
