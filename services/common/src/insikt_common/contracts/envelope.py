"""The CloudEvents 1.0 envelope, carried in Kafka's structured content mode.

Every Kafka message value is one JSON CloudEvent (content type
``application/cloudevents+json``); the Kafka key is the aggregate id whose order matters.
"""

import builtins
import secrets
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
SCHEMA_BASE = "https://insikt.se/schemas/events"

P = TypeVar("P", bound=BaseModel)


class ContractError(ValueError):
    """A message that does not follow the event contracts; it can never be handled."""


class Envelope(BaseModel):
    """The CloudEvents 1.0 attributes Insikt always sets; ``CloudEvent`` and ``PayloadEvent`` add the data."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    source: str
    specversion: str = SPEC_VERSION
    type: str
    subject: str
    time: datetime
    datacontenttype: str = "application/json"
    dataschema: str


class CloudEvent(Envelope):
    """A CloudEvents 1.0 envelope with the attributes Insikt always sets."""

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


class PayloadEvent(Envelope, Generic[P]):
    """A CloudEvent whose data is its payload model, validated in the same pass over the JSON as the
    envelope (about half the work of ``CloudEvent.from_bytes`` followed by ``parse_payload``)."""

    data: P

    @classmethod
    def parse(cls, raw: bytes | None, payload: builtins.type[P]) -> "PayloadEvent[P] | None":
        """The event, or None when ``raw`` is not a valid event with this payload (``CloudEvent.from_bytes``
        and ``parse_payload`` then say what is wrong)."""
        if not raw:
            return None
        try:
            event = _parametrized(cls, payload).model_validate_json(raw)
        except ValidationError:
            return None
        return event if event.specversion == SPEC_VERSION else None


@cache
def _parametrized(
    generic: builtins.type[PayloadEvent[Any]], payload: builtins.type[P]
) -> builtins.type[PayloadEvent[P]]:
    """``PayloadEvent[payload]``, looked up once (pydantic's own lookup costs about 2 µs a call)."""
    return generic[payload]  # type: ignore[index, no-any-return]


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
