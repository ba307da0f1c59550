from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer
from sqlmodel import Field

from outcome_api.models import OutcomeTable


class AuditEvent(OutcomeTable, table=True):
    """One access to participant-level data. Never updated or deleted (the database refuses)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_organisation_id_id", "organisation_id", "id"),
        Index("ix_audit_event_participant_id", "participant_id"),
    )

    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=BigInteger().with_variant(Integer, "sqlite"),
    )
    occurred_at: datetime = Field(sa_type=DateTime(timezone=True))
    organisation_id: str = Field(max_length=64)
    subject: str = Field(max_length=200)
    """The token's ``sub``: the user or system that acted."""
    roles: str = Field(max_length=100)
    """The caller's roles, comma-separated, as the token gave them."""
    action: str = Field(max_length=64)
    """``<entity>.<verb>``, e.g. ``participant.read``, ``assessment.record``, ``participant.erase``."""
    participant_id: str | None = Field(default=None, max_length=36)
    request_id: str | None = Field(default=None, max_length=128)
