from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from insikt_common.auth import Principal, Role, require_roles
from insikt_common.db import SessionDep
from reporting.access import OptionalPrincipal
from reporting.exports import CSV_RESPONSES, SeparatorQuery, survey_csv
from reporting.report_page import survey_page
from reporting.survey_results import service
from reporting.survey_results.schemas import PublicationRead, PublicationUpdate, RoundUnitSummary, SurveyReport
from reporting.survey_results.tables_cache import TablesCache

router = APIRouter(prefix="/v1/reports/surveys", tags=["survey reports"])

AdminDep = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
RollUp = Literal["municipalities", "unit-types"]
ROLL_UP_KINDS = {"municipalities": "municipality", "unit-types": "unit_type"}


def _k(request: Request) -> int:
    return int(request.app.state.settings.min_cell_count)


def _cache(request: Request) -> TablesCache:
    """The app's tabulated rounds: what one request computed serves the next while the round's read
    model is unchanged."""
    cache: TablesCache = request.app.state.survey_tables
    return cache


@router.get("")
def list_survey_reports(session: SessionDep, request: Request, principal: OptionalPrincipal) -> list[RoundUnitSummary]:
    """Every round and unit the caller may read, and how many responses (suppressed below k)."""
    return service.summaries(session, _k(request), principal, cache=_cache(request))


def _unit_report(
    round_id: str, unit_id: str, session: SessionDep, request: Request, principal: OptionalPrincipal
) -> SurveyReport:
    """The report every format of a unit's report shows: the same numbers."""
    return service.unit_report(session, round_id, unit_id, _k(request), principal, cache=_cache(request))


def _roll_up_report(
    round_id: str, roll_up: RollUp, key: str, *, session: SessionDep, request: Request, principal: OptionalPrincipal
) -> SurveyReport:
    """The report every format of a roll-up shows: the same numbers."""
    level = (ROLL_UP_KINDS[roll_up], key)
    return service.roll_up_report(
        session, round_id, level, default_k=_k(request), principal=principal, cache=_cache(request)
    )


UnitReportDep = Annotated[SurveyReport, Depends(_unit_report)]
RollUpReportDep = Annotated[SurveyReport, Depends(_roll_up_report)]


@router.get("/{round_id}/units/{unit_id}")
def get_survey_unit_report(report: UnitReportDep) -> SurveyReport:
    """One unit in one round: per question n, answers, share positive, mean, comparisons; small counts withheld."""
    return report


@router.get("/{round_id}/units/{unit_id}/csv", responses=CSV_RESPONSES, response_class=Response)
def get_survey_unit_report_csv(
    round_id: str, unit_id: str, report: UnitReportDep, sep: SeparatorQuery = ","
) -> Response:
    """The unit's report as CSV (UTF-8 with BOM); the same numbers as the JSON."""
    return survey_csv(report, sep, f"survey-{round_id}-{unit_id}")


@router.get("/{round_id}/units/{unit_id}/html", response_class=HTMLResponse)
def get_survey_unit_report_page(report: UnitReportDep) -> HTMLResponse:
    """The unit's report as a printable page (Swedish, no script); the same numbers as the JSON."""
    return survey_page(report)


@router.get("/{round_id}/{roll_up}/{key}")
def get_survey_roll_up_report(report: RollUpReportDep) -> SurveyReport:
    """A municipality's (by code) or a unit type's units in one round, from summed counts."""
    return report


@router.get("/{round_id}/{roll_up}/{key}/csv", responses=CSV_RESPONSES, response_class=Response)
def get_survey_roll_up_report_csv(
    round_id: str, roll_up: RollUp, key: str, report: RollUpReportDep, sep: SeparatorQuery = ","
) -> Response:
    """The roll-up as CSV (UTF-8 with BOM); the same numbers as the JSON."""
    return survey_csv(report, sep, f"survey-{round_id}-{roll_up}-{key}")


@router.get("/{round_id}/{roll_up}/{key}/html", response_class=HTMLResponse)
def get_survey_roll_up_report_page(report: RollUpReportDep) -> HTMLResponse:
    """The roll-up as a printable page (Swedish, no script); the same numbers as the JSON."""
    return survey_page(report)


@router.put("/{round_id}/publication")
def set_survey_publication(
    round_id: str, body: PublicationUpdate, session: SessionDep, admin: AdminDep
) -> PublicationRead:
    """Make the round's aggregated reports readable without a token (still suppressed), or stop it."""
    return service.set_publication(session, round_id, body.public, admin)
