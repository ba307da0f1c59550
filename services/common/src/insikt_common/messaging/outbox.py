"""Writing to the outbox: the event commits, or rolls back, with the change it reports."""

from functools import cache

from pydantic import BaseModel
from sqlalchemy import Insert, Table, insert
from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import EventSpec, key_of
from insikt_common.contracts.envelope import CloudEvent

OUTBOX_PENDING = "insikt_outbox_pending"
"""``session.info`` flag: the session wrote outbox rows, so the relay is woken after commit."""


def add_to_outbox(
    session: Session, table: Table, spec: EventSpec, event: CloudEvent, payload: BaseModel | None = None
) -> None:
    """``payload``: the model the event's data was made from, when the caller has it (saves
    validating the data again); otherwise the data is validated against the spec's payload model."""
    if not isinstance(payload, spec.payload):
        payload = spec.payload.model_validate(event.data)
    session.execute(
        _insert_into(table),
        {
            "event_id": event.id,
            "event_type": event.type,
            "topic": spec.topic,
            "message_key": key_of(spec, payload),
            "payload": event.to_bytes(),
            "sent": False,
        },
    )
    session.info[OUTBOX_PENDING] = True


@cache
def _insert_into(table: Table) -> Insert:
    """One statement object per outbox table, so its compiled form is found without rebuilding it."""
    return insert(table)
