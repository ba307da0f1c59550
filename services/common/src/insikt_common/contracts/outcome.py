"""Payloads of the events outcome-api publishes. They carry pseudonymous ids only."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from insikt_common.contracts.units import UnitRef

Occasion = Literal["baseline", "follow_up", "exit", "post_exit"]
Rater = Literal["self", "staff", "joint"]


class ParticipantRegistered(BaseModel):
    participant_id: str
    organisation_id: str
    unit: UnitRef
    birth_year: int | None
    gender: Literal["female", "male", "other", "unknown"]


class AreaScore(BaseModel):
    area: str
    score: float


class AssessmentRecorded(BaseModel):
    assessment_id: str
    participant_id: str
    organisation_id: str
    unit_id: str
    instrument_id: str
    instrument_version: int
    occasion: Occasion
    rater: Rater
    assessed_on: date
    scores: list[AreaScore]


Direction = Literal["higher_is_better", "lower_is_better"]
Ending = Literal["planned", "unplanned", "moved", "other"]
"""How an intervention ended; ``unplanned`` is a breakdown (sammanbrott)."""


class InstrumentArea(BaseModel):
    code: str
    label_sv: str


class InstrumentPublished(BaseModel):
    """A scale instrument version, immutable once assessments use it."""

    instrument_id: str
    version: int
    title: str
    areas: list[InstrumentArea]
    scale_min: float
    scale_max: float
    direction: Direction
    step: float = 1.0
    """One scale step: the default threshold for 'improved' and 'worse'."""


class ParticipantErased(BaseModel):
    """Everything about this participant is gone from outcome-api; consumers forget them too."""

    participant_id: str
    organisation_id: str


class InterventionStarted(BaseModel):
    intervention_id: str
    participant_id: str
    organisation_id: str
    unit_id: str
    kind: str
    referring_municipality_code: str | None
    started_on: date


class InterventionEnded(BaseModel):
    intervention_id: str
    participant_id: str
    organisation_id: str
    unit_id: str
    started_on: date
    ended_on: date
    ending: Ending


class AssessmentCorrected(AssessmentRecorded):
    """The same assessment id with corrected scores (or occasion/date); it replaces the earlier one."""


GoalStatus = Literal["active", "achieved", "partly_achieved", "not_achieved", "abandoned"]


class GoalChanged(BaseModel):
    """A goal (effektmål) was set or its attainment updated.

    ``attainment`` is the Goal Attainment Scaling level: −2 much less than expected, −1 somewhat
    less, 0 the expected outcome, +1 somewhat more, +2 much more; None before it is rated.
    """

    goal_id: str
    participant_id: str
    organisation_id: str
    unit_id: str
    area: str | None
    weight: float = Field(default=1.0, gt=0)
    attainment: int | None = Field(default=None, ge=-2, le=2)
    status: GoalStatus
    changed_on: date
