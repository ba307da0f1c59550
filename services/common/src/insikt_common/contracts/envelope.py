"""The CloudEvents 1.0 envelope, carried in Kafka's structured content mode.

Every Kafka message value is one JSON CloudEvent (content type
``application/cloudevents+json``); the Kafka key is the aggregate id whose order matters.
"""

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
SCHEMA_BASE = "https://insikt.se/schemas/events"


class ContractError(ValueError):
    """A message that does not follow the event contracts; it can never be handled."""


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope with the attributes Insikt always sets."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    source: str
    specversion: str = SPEC_VERSION
    type: str
    subject: str
    time: datetime
    datacontenttype: str = "application/json"
    dataschema: str
    data: dict[str, Any] = Field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> "CloudEvent":
        if not raw:
            raise ContractError("empty message value")
        try:
            event = cls.model_validate_json(raw)
        except ValidationError as exc:
            raise ContractError(f"not a CloudEvent: {exc.errors()[0]['msg']}") from exc
        if event.specversion != SPEC_VERSION:
            raise ContractError(f"unsupported specversion {event.specversion!r}")
        return event


def random_id() -> str:
    """A random (not time-ordered) UUID: ids must not reveal when something happened."""
    return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))


def new_event(
    event_type: str, source: str, subject: str, data: BaseModel, *, time: datetime | None = None
) -> CloudEvent:
    """Build the envelope for a payload; ``time`` defaults to now, callers may coarsen it."""
    return CloudEvent(
        id=random_id(),
        source=source,
        type=event_type,
        subject=subject,
        time=time or datetime.now(UTC),
        dataschema=f"{SCHEMA_BASE}/{event_type}.json",
        data=data.model_dump(mode="json"),
    )
