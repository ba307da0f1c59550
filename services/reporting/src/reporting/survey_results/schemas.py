from datetime import date
from typing import Literal

from pydantic import BaseModel

from reporting.disclosure import Cell, published


class CountCell(BaseModel):
    value: int | None
    suppressed: str | None = None
    """``withheld`` when the value is withheld (fewer than k, or so that no such count can be worked
    out: which, is not told); null when shown."""

    @classmethod
    def of(cls, cell: Cell) -> "CountCell":
        """A protected cell as it leaves the system: its reason, if withheld, marked ``withheld``."""
        return cls(value=cell.value, suppressed=published(cell.suppressed))


class IntervalRead(BaseModel):
    low: float
    high: float


class ShareRead(BaseModel):
    """A share positive in per cent, with its 95 % Wilson interval; ``suppressed`` is ``withheld`` or
    ``no substantive answers`` when there is none."""

    percent: float | None
    interval: IntervalRead | None
    positive: int | None
    denominator: int | None
    """Substantive answers (all answers minus Vet inte / Ej aktuellt)."""
    suppressed: str | None = None


class MeanRead(BaseModel):
    """Mean, sample standard deviation and 95 % t-interval of a numeric scale."""

    value: float | None
    sd: float | None
    interval: IntervalRead | None
    suppressed: str | None = None


class DifferenceRead(BaseModel):
    points: float
    """This share minus the other, in percentage points."""
    intervals_disjoint: bool
    """The two 95 % intervals do not overlap."""


ComparisonLevel = Literal[
    "municipality", "unit_type", "round", "riket", "previous_round", "kolada_municipality", "kolada_riket"
]


class Comparison(BaseModel):
    level: ComparisonLevel
    key: str
    """Municipality code, unit type, round id or Kolada KPI."""
    label: str
    n: CountCell | None = None
    share_positive: ShareRead | None = None
    mean: MeanRead | None = None
    difference: DifferenceRead | None = None
    """Of the share positive: the reported level minus this one."""


class AnswerRow(BaseModel):
    answer: str
    label: str | None = None
    count: CountCell


class BreakdownGroup(BaseModel):
    answer: str
    """The background answer (e.g. a gender code); ``none`` for responses that left it out."""
    label: str | None
    n: int
    share_positive: ShareRead


class Breakdown(BaseModel):
    by: str
    """The background question's link id."""
    groups: list[BreakdownGroup]


class QuestionResult(BaseModel):
    link_id: str
    text: str | None = None
    kind: str | None = None
    area: str | None = None
    n: CountCell
    answers: list[AnswerRow]
    share_positive: ShareRead | None = None
    mean: MeanRead | None = None
    comparisons: list[Comparison] = []
    breakdowns: list[Breakdown] = []
    """By kön or åldersgrupp, only where every group reaches k."""


class AreaIndex(BaseModel):
    """Composite index of a quality area: positive over substantive answers, pooled over its questions."""

    area: str
    questions: list[str]
    index: ShareRead
    comparisons: list[Comparison] = []


class UnitInfo(BaseModel):
    id: str
    name: str
    type: str
    municipality_code: str


class LevelInfo(BaseModel):
    kind: Literal["unit", "municipality", "unit_type"]
    key: str
    name: str


class RoundInfo(BaseModel):
    round_id: str
    title: str | None
    organisation_id: str | None
    questionnaire_id: str | None
    questionnaire_version: int | None
    opens_on: date | None
    closes_on: date | None
    closed_on: date | None
    public: bool


class RateRead(BaseModel):
    """Responses over one-time codes handed out, in per cent."""

    percent: float | None
    codes_issued: int
    suppressed: str | None = None


class UnitRow(BaseModel):
    unit_id: str
    unit_name: str
    responses: CountCell


class CommentGroup(BaseModel):
    link_id: str
    text: str | None
    comments: list[str]
    """Sorted alphabetically: the order says nothing about when they came."""


class SurveyReport(BaseModel):
    round_id: str
    round: RoundInfo
    level: LevelInfo
    unit: UnitInfo | None = None
    """The unit, for a unit's report."""
    min_cell_count: int
    responses: CountCell
    response_rate: RateRead | None = None
    """Null where no codes were handed out (an open link)."""
    questions: list[QuestionResult]
    areas: list[AreaIndex]
    units: list[UnitRow] = []
    """For a roll-up: its units and their responses."""
    comments: list[CommentGroup] | None = None
    """Free-text answers: only in a unit's report, and only when the unit's responses reach k."""
    comments_withheld: str | None = None


SurveyUnitReport = SurveyReport


class RoundUnitSummary(BaseModel):
    round_id: str
    unit_id: str
    unit_name: str
    responses: CountCell


class PublicationUpdate(BaseModel):
    public: bool


class PublicationRead(BaseModel):
    round_id: str
    public: bool
