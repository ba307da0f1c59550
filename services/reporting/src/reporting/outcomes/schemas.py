from pydantic import BaseModel

from reporting.survey_results.schemas import CountCell, UnitInfo


class AreaResult(BaseModel):
    instrument_id: str
    area: str
    occasion: str
    assessments: CountCell
    mean_score: float | None
    """Withheld (null) whenever the number of assessments is."""


class OutcomeUnitReport(BaseModel):
    unit: UnitInfo
    min_cell_count: int
    participants: CountCell
    areas: list[AreaResult]
