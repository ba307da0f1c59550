from fastapi import APIRouter, Request

from insikt_common.db import SessionDep
from reporting.outcomes import service
from reporting.outcomes.schemas import OutcomeUnitReport

router = APIRouter(prefix="/v1/reports/outcomes", tags=["outcome reports"])


@router.get("/units/{unit_id}")
def get_outcome_unit_report(unit_id: str, session: SessionDep, request: Request) -> OutcomeUnitReport:
    """Participants, and assessments per instrument area and occasion, for one unit."""
    return service.unit_report(session, unit_id, request.app.state.settings.min_cell_count)
