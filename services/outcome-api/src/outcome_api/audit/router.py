from typing import Annotated

from fastapi import APIRouter, Query

from insikt_common.db import SessionDep
from outcome_api.access import Administrator
from outcome_api.audit import service
from outcome_api.audit.schemas import AuditEventRead, AuditQuery

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("")
def search_audit_events(
    session: SessionDep, principal: Administrator, filters: Annotated[AuditQuery, Query()]
) -> list[AuditEventRead]:
    """Who read or wrote participant-level data in the organisation, newest first (admins only)."""
    return service.search(session, principal, filters)
