from pydantic import BaseModel


class CountCell(BaseModel):
    value: int | None
    suppressed: str | None = None


class AnswerRow(BaseModel):
    answer: str
    count: CountCell


class QuestionResult(BaseModel):
    link_id: str
    n: CountCell
    answers: list[AnswerRow]


class UnitInfo(BaseModel):
    id: str
    name: str
    type: str
    municipality_code: str


class SurveyUnitReport(BaseModel):
    round_id: str
    unit: UnitInfo
    min_cell_count: int
    responses: CountCell
    questions: list[QuestionResult]


class RoundUnitSummary(BaseModel):
    round_id: str
    unit_id: str
    unit_name: str
    responses: CountCell
