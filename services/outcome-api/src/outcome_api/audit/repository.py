from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_api.audit.models import AuditEvent
from outcome_api.audit.schemas import AuditQuery


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)


def search(session: Session, organisation_id: str, filters: AuditQuery) -> list[AuditEvent]:
    """The organisation's audit events matching every given filter, newest first."""
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)  # type: ignore[arg-type]
    if filters.participant_id is not None:
        query = query.where(AuditEvent.participant_id == filters.participant_id)  # type: ignore[arg-type]
    if filters.subject is not None:
        query = query.where(AuditEvent.subject == filters.subject)  # type: ignore[arg-type]
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)  # type: ignore[arg-type]
    if filters.since is not None:
        query = query.where(AuditEvent.occurred_at >= filters.since)  # type: ignore[arg-type]
    if filters.until is not None:
        query = query.where(AuditEvent.occurred_at < filters.until)  # type: ignore[arg-type]
    if filters.before_id is not None:
        query = query.where(AuditEvent.id < filters.before_id)  # type: ignore[arg-type,operator]
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(filters.limit)))  # type: ignore[union-attr]
