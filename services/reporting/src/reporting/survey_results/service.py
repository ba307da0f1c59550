from collections import defaultdict

from sqlalchemy.orm import Session

from insikt_common.errors import NotFound
from reporting.directory import repository as directory
from reporting.disclosure import Cell, suppress_breakdown, suppress_total
from reporting.survey_results import repository
from reporting.survey_results.schemas import (
    AnswerRow,
    CountCell,
    QuestionResult,
    RoundUnitSummary,
    SurveyUnitReport,
    UnitInfo,
)


def unit_report(session: Session, round_id: str, unit_id: str, k: int) -> SurveyUnitReport:
    """Per-question answer counts for one unit in one round, with small counts suppressed."""
    total = repository.total(session, round_id, unit_id)
    if total is None:
        raise NotFound(f"no responses for unit {unit_id} in round {round_id}")
    unit = directory.get_or_raise(session, unit_id)
    by_question: dict[str, dict[str, int]] = defaultdict(dict)
    for row in repository.answer_counts(session, round_id, unit_id):
        by_question[row.link_id][row.answer] = row.count
    responses = suppress_total(total.responses, k)
    return SurveyUnitReport(
        round_id=round_id,
        unit=UnitInfo.model_validate(unit, from_attributes=True),
        min_cell_count=k,
        responses=_cell(responses),
        questions=[_question(link_id, counts, responses, k) for link_id, counts in by_question.items()],
    )


def _question(link_id: str, counts: dict[str, int], responses: Cell, k: int) -> QuestionResult:
    n = sum(counts.values())
    n_cell = suppress_total(n, k) if responses.value is not None else responses
    cells = suppress_breakdown(counts, n if n_cell.value is not None else 0, k)
    return QuestionResult(
        link_id=link_id,
        n=_cell(n_cell),
        answers=[AnswerRow(answer=answer, count=_cell(cell)) for answer, cell in cells.items()],
    )


def summaries(session: Session, k: int) -> list[RoundUnitSummary]:
    return [
        RoundUnitSummary(
            round_id=total.round_id,
            unit_id=unit.id,
            unit_name=unit.name,
            responses=_cell(suppress_total(total.responses, k)),
        )
        for total, unit in repository.totals_with_units(session)
    ]


def _cell(cell: Cell) -> CountCell:
    return CountCell(value=cell.value, suppressed=cell.suppressed)
