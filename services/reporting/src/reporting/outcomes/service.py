from sqlalchemy.orm import Session

from reporting.directory import repository as directory
from reporting.disclosure import suppress_total
from reporting.outcomes import repository
from reporting.outcomes.schemas import AreaResult, OutcomeUnitReport
from reporting.survey_results.schemas import CountCell, UnitInfo


def unit_report(session: Session, unit_id: str, k: int) -> OutcomeUnitReport:
    unit = directory.get_or_raise(session, unit_id)
    participants = suppress_total(repository.participant_count(session, unit_id), k)
    areas = []
    for row in repository.area_counts(session, unit_id):
        cell = suppress_total(row.assessments, k)
        areas.append(
            AreaResult(
                instrument_id=row.instrument_id,
                area=row.area,
                occasion=row.occasion,
                assessments=CountCell(value=cell.value, suppressed=cell.suppressed),
                mean_score=round(row.score_sum / row.assessments, 2) if cell.value is not None else None,
            )
        )
    return OutcomeUnitReport(
        unit=UnitInfo.model_validate(unit, from_attributes=True),
        min_cell_count=k,
        participants=CountCell(value=participants.value, suppressed=participants.suppressed),
        areas=areas,
    )
