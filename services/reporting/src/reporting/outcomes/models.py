"""Per-participant facts: erasing a participant deletes their rows, and reports aggregate at query time."""

from datetime import date

from sqlalchemy import JSON, Column
from sqlmodel import Field

from reporting.models import ReportingTable


class ParticipantEntry(ReportingTable, table=True):
    """A pseudonymous participant as reporting knows them."""

    __tablename__ = "participant_entry"

    id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    unit_id: str = Field(index=True, max_length=64)


class ErasedParticipant(ReportingTable, table=True):
    """Pseudonymous ids of erased participants, so that their events replayed in a rebuild (or
    arriving late on another topic) are dropped rather than bringing them back."""

    __tablename__ = "erased_participant"

    participant_id: str = Field(primary_key=True, max_length=36)


class InstrumentEntry(ReportingTable, table=True):
    __tablename__ = "instrument_entry"

    instrument_id: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    title: str = Field(max_length=200)
    areas: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    scale_min: float
    scale_max: float
    direction: str = Field(max_length=32)
    step: float = 1.0


class AssessmentEntry(ReportingTable, table=True):
    """One assessment; a correction replaces it (same ``assessment_id``)."""

    __tablename__ = "assessment_entry"

    assessment_id: str = Field(primary_key=True, max_length=36)
    participant_id: str = Field(index=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    unit_id: str = Field(index=True, max_length=64)
    instrument_id: str = Field(max_length=64)
    instrument_version: int
    occasion: str = Field(max_length=16)
    rater: str = Field(max_length=16)
    assessed_on: date
    scores: dict[str, float] = Field(sa_column=Column(JSON, nullable=False))


class InterventionEntry(ReportingTable, table=True):
    __tablename__ = "intervention_entry"

    intervention_id: str = Field(primary_key=True, max_length=36)
    participant_id: str = Field(index=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    unit_id: str = Field(index=True, max_length=64)
    kind: str | None = Field(default=None, max_length=64)
    started_on: date
    ended_on: date | None = None
    ending: str | None = Field(default=None, max_length=16)


class GoalEntry(ReportingTable, table=True):
    """A goal's latest state: GAS attainment −2…+2 (None until rated) and its weight."""

    __tablename__ = "goal_entry"

    goal_id: str = Field(primary_key=True, max_length=36)
    participant_id: str = Field(index=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    unit_id: str = Field(index=True, max_length=64)
    area: str | None = Field(default=None, max_length=64)
    weight: float = 1.0
    attainment: int | None = None
    status: str = Field(max_length=32)
    changed_on: date
