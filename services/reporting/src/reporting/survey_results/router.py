from fastapi import APIRouter, Request

from insikt_common.db import SessionDep
from reporting.survey_results import service
from reporting.survey_results.schemas import RoundUnitSummary, SurveyUnitReport

router = APIRouter(prefix="/v1/reports/surveys", tags=["survey reports"])


@router.get("")
def list_survey_reports(session: SessionDep, request: Request) -> list[RoundUnitSummary]:
    """Every round and unit with responses, and how many (suppressed below k)."""
    return service.summaries(session, request.app.state.settings.min_cell_count)


@router.get("/{round_id}/units/{unit_id}")
def get_survey_unit_report(round_id: str, unit_id: str, session: SessionDep, request: Request) -> SurveyUnitReport:
    """Answer counts per question for one unit in one round; counts below k are withheld."""
    return service.unit_report(session, round_id, unit_id, request.app.state.settings.min_cell_count)
