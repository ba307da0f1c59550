from pydantic import BaseModel

from reporting.survey_results.schemas import CountCell, IntervalRead, UnitInfo


class AreaResult(BaseModel):
    instrument_id: str
    area: str
    occasion: str
    assessments: CountCell
    mean_score: float | None
    """Withheld (null) whenever the number of assessments is."""


class AreaChange(BaseModel):
    """Participants with a baseline and a later assessment in the period, in one instrument area."""

    instrument_id: str
    area: str
    participants: CountCell
    mean_baseline: float | None
    mean_latest: float | None
    mean_change: float | None
    change_interval: IntervalRead | None
    """95 % t-interval of the mean change."""
    threshold: float
    """The change, in scale points, that counts as improved or worse (in the instrument's good direction)."""
    improved: CountCell
    unchanged: CountCell
    worse: CountCell
    share_improved: float | None
    share_unchanged: float | None
    share_worse: float | None


class GoalAttainment(BaseModel):
    """Goal Attainment Scaling: each participant's T-score over their rated goals (Kiresuk–Sherman, ρ = 0.3)."""

    participants: CountCell
    mean_t_score: float | None
    t_score_interval: IntervalRead | None


class Endings(BaseModel):
    """Interventions that ended in the period and how; unplanned is a breakdown (sammanbrott)."""

    ended: CountCell
    planned: CountCell
    unplanned: CountCell
    moved: CountCell
    other: CountCell
    median_days_in_intervention: float | None


class OutcomeUnitReport(BaseModel):
    unit: UnitInfo
    programme: str | None
    """The intervention kind the report is limited to, if any."""
    year: int | None
    """The calendar year the report covers (assessments, changes, endings in it; goals as rated by its
    end); null for all time."""
    min_cell_count: int
    participants: CountCell
    areas: list[AreaResult]
    changes: list[AreaChange]
    goals: GoalAttainment
    endings: Endings
