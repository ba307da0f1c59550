"""Instrument versions as stored: one row per version, one per area. Immutable once assessments use them."""

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKeyConstraint
from sqlmodel import Field

from outcome_api.models import OutcomeTable


class InstrumentVersion(OutcomeTable, table=True):
    __tablename__ = "instrument_version"

    instrument_id: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    organisation_id: str | None = Field(default=None, index=True, max_length=64)
    """The organisation that configured it (and holds its licence); None for Insikt's own examples."""
    title: str = Field(max_length=200)
    description: str = Field(max_length=2000)
    licence: str = Field(max_length=500)
    scale_min: int
    scale_max: int
    direction: str = Field(max_length=32)
    anchors: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    published_on: date


class InstrumentArea(OutcomeTable, table=True):
    __tablename__ = "instrument_area"
    __table_args__ = (
        ForeignKeyConstraint(
            ["instrument_id", "version"],
            ["outcome.instrument_version.instrument_id", "outcome.instrument_version.version"],
        ),
    )

    instrument_id: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    code: str = Field(primary_key=True, max_length=64)
    position: int
    label: str = Field(max_length=200)
