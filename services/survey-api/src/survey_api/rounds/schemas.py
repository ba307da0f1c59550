from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator


class RoundCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    questionnaire_id: str
    unit_ids: list[str] = Field(min_length=1, max_length=5000)
    opens_on: date
    closes_on: date
    min_cell_count: int = Field(default=5, ge=3, le=50)

    @model_validator(mode="after")
    def _period_in_order(self) -> "RoundCreate":
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on must not be before opens_on")
        return self


class RoundRead(RoundCreate):
    id: str
    status: Literal["open", "closed"]
