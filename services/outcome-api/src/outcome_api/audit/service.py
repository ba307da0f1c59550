from datetime import UTC, datetime

from sqlalchemy.orm import Session

from insikt_common.auth import Principal
from insikt_common.observability import request_id_var
from outcome_api.audit import repository
from outcome_api.audit.models import AuditEvent
from outcome_api.audit.schemas import AuditEventRead, AuditQuery


def record(session: Session, principal: Principal, action: str, participant_id: str | None) -> None:
    """Log an access in the caller's transaction: it is kept exactly when the access took effect."""
    repository.add(
        session,
        AuditEvent(
            occurred_at=datetime.now(UTC),
            organisation_id=principal.organisation_id,
            subject=principal.subject,
            roles=",".join(sorted(principal.roles)),
            action=action,
            participant_id=participant_id,
            request_id=request_id_var.get(),
        ),
    )


def search(session: Session, principal: Principal, filters: AuditQuery) -> list[AuditEventRead]:
    """The caller's organisation's audit events, newest first; reading them is itself logged."""
    events = repository.search(session, principal.organisation_id, filters)
    record(session, principal, "audit.read", filters.participant_id)
    return [to_read(e) for e in events]


def to_read(event: AuditEvent) -> AuditEventRead:
    assert event.id is not None
    occurred_at = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)
    return AuditEventRead(
        id=event.id,
        occurred_at=occurred_at,
        subject=event.subject,
        roles=[r for r in event.roles.split(",") if r],
        action=event.action,
        participant_id=event.participant_id,
        request_id=event.request_id,
    )
