from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from insikt_common.auth import CurrentPrincipal
from insikt_common.db import SessionDep
from reporting.exports import CSV_RESPONSES, SeparatorQuery, outcome_csv
from reporting.outcomes import service
from reporting.outcomes.schemas import OutcomeUnitReport
from reporting.report_page import outcome_page

router = APIRouter(prefix="/v1/reports/outcomes", tags=["outcome reports"])

Programme = Annotated[str | None, Query(description="only participants with an intervention of this kind")]
Year = Annotated[
    int | None,
    Query(ge=1900, le=2999, description="one calendar year (reports follow calendar years); all time when left out"),
]
Threshold = Annotated[
    float, Query(gt=0, description="scale steps of change that count as improved or worse (default one step)")
]


def _report(
    unit_id: str,
    *,
    session: SessionDep,
    request: Request,
    principal: CurrentPrincipal,
    programme: Programme = None,
    year: Year = None,
    threshold_steps: Threshold = 1.0,
) -> OutcomeUnitReport:
    """The report both formats show: the same parameters, the same numbers."""
    return service.unit_report(
        session,
        unit_id,
        request.app.state.settings.min_cell_count,
        principal,
        programme=programme,
        year=year,
        threshold_steps=threshold_steps,
    )


ReportDep = Annotated[OutcomeUnitReport, Depends(_report)]


@router.get("/units/{unit_id}")
def get_outcome_unit_report(report: ReportDep) -> OutcomeUnitReport:
    """Participants, change from baseline per instrument area, GAS T-score and endings for one unit."""
    return report


@router.get("/units/{unit_id}/csv", responses=CSV_RESPONSES, response_class=Response)
def get_outcome_unit_report_csv(unit_id: str, report: ReportDep, sep: SeparatorQuery = ",") -> Response:
    """The outcome report as CSV (UTF-8 with BOM); the same numbers as the JSON."""
    return outcome_csv(report, sep, f"outcomes-{unit_id}")


@router.get("/units/{unit_id}/html", response_class=HTMLResponse)
def get_outcome_unit_report_page(report: ReportDep) -> HTMLResponse:
    """The outcome report as a printable page (Swedish, no script); the same numbers as the JSON."""
    return outcome_page(report)
