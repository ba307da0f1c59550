from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from insikt_common.contracts.survey import AccessMode


class RoundCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    questionnaire_id: str
    questionnaire_version: int | None = None
    """Defaults to the newest published version."""
    unit_ids: list[str] = Field(min_length=1, max_length=5000)
    opens_on: date
    closes_on: date
    access_mode: AccessMode = "codes"
    """``codes``: one-time codes per respondent; ``open_link``: one link per unit, rate limited."""
    min_cell_count: int = Field(default=5, ge=3, le=50)

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on must not be before opens_on")
        return self


class RoundRead(RoundCreate):
    id: str
    questionnaire_version: int
    status: Literal["open", "closed"]
