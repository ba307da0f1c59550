from datetime import datetime

from pydantic import BaseModel, Field


class AuditEventRead(BaseModel):
    id: int
    occurred_at: datetime
    subject: str
    roles: list[str]
    action: str
    participant_id: str | None
    request_id: str | None


class AuditQuery(BaseModel):
    """Filters of the audit log; every one given must match."""

    participant_id: str | None = None
    subject: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = Field(default=None, description="Page on: the smallest id of the previous page")
    limit: int = Field(default=100, ge=1, le=1000)
