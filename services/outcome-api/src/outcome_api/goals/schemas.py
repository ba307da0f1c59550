from datetime import date

from pydantic import BaseModel, Field

from insikt_common.contracts.outcome import GoalStatus


class GoalCreate(BaseModel):
    area: str | None = Field(default=None, max_length=64, examples=["boende"])
    description: str = Field(min_length=1, max_length=1000)
    baseline: str = Field(min_length=1, max_length=1000)
    target: str = Field(min_length=1, max_length=1000)
    levels: dict[str, str] = Field(default_factory=dict, examples=[{"-2": "Bor kvar på HVB", "0": "Eget boende"}])
    weight: float = Field(default=1.0, gt=0, le=100)
    set_on: date


class GoalUpdate(BaseModel):
    attainment: int | None = Field(default=None, ge=-2, le=2)
    """The GAS level reached: −2 … +2."""
    status: GoalStatus
    changed_on: date


class GoalChangeRead(BaseModel):
    changed_on: date
    attainment: int | None
    status: GoalStatus


class GoalRead(GoalCreate):
    id: str
    participant_id: str
    unit_id: str
    attainment: int | None
    status: GoalStatus
    history: list[GoalChangeRead]
