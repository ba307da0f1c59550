from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from outcome_api.models import OutcomeTable


class Intervention(OutcomeTable, table=True):
    """One intervention as the case system describes it; its external reference makes upserts idempotent."""

    __table_args__ = (UniqueConstraint("organisation_id", "external_reference"),)

    id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    external_reference: str = Field(max_length=100)
    """The case system's id of the intervention (never a personnummer or case number with one)."""
    participant_id: str = Field(foreign_key="outcome.participant.id", index=True, max_length=36)
    unit_id: str = Field(foreign_key="outcome.unit.id", max_length=64)
    kind: str = Field(max_length=64)
    referring_municipality_code: str | None = Field(default=None, max_length=4)
    started_on: date
    ended_on: date | None = None
    ending: str | None = Field(default=None, max_length=16)
    """planned, unplanned (sammanbrott), moved or other; set exactly when ``ended_on`` is."""
