from datetime import date
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field

from outcome_api.models import OutcomeTable


class Goal(OutcomeTable, table=True):
    """A participant's goal; ``attainment`` and ``status`` are the latest, ``goal_change`` the history."""

    id: str = Field(primary_key=True, max_length=36)
    participant_id: str = Field(foreign_key="outcome.participant.id", index=True, max_length=36)
    unit_id: str = Field(foreign_key="outcome.unit.id", max_length=64)
    area: str | None = Field(default=None, max_length=64)
    description: str = Field(max_length=1000)
    baseline: str = Field(max_length=1000)
    """The situation when the goal is set (GAS level −1 unless the levels say otherwise)."""
    target: str = Field(max_length=1000)
    """The expected outcome: GAS level 0."""
    levels: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    """Optional descriptions of the GAS levels, keyed "-2" … "2"."""
    weight: float = 1.0
    set_on: date
    attainment: int | None = None
    status: str = Field(max_length=16)


class GoalChange(OutcomeTable, table=True):
    """One rating or status change of a goal, in order: the goal's history."""

    __tablename__ = "goal_change"

    goal_id: str = Field(foreign_key="outcome.goal.id", primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    changed_on: date
    attainment: int | None = None
    status: str = Field(max_length=16)
