from datetime import date

from pydantic import BaseModel, Field

from insikt_common.contracts.outcome import Ending
from insikt_common.contracts.units import UnitRef


class InterventionUpsert(BaseModel):
    unit: UnitRef
    kind: str = Field(min_length=1, max_length=64, examples=["hvb_placement"])
    referring_municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    started_on: date
    ended_on: date | None = None
    ending: Ending | None = None
    """planned, unplanned (sammanbrott: a breakdown), moved or other."""


class InterventionRead(BaseModel):
    id: str
    external_reference: str
    participant_id: str
    unit_id: str
    kind: str
    referring_municipality_code: str | None
    started_on: date
    ended_on: date | None
    ending: Ending | None
