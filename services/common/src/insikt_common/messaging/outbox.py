"""Writing to the outbox: the event commits, or rolls back, with the change it reports."""

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import EventSpec, key_of
from insikt_common.contracts.envelope import CloudEvent

OUTBOX_PENDING = "insikt_outbox_pending"
"""``session.info`` flag: the session wrote outbox rows, so the relay is woken after commit."""


def add_to_outbox(session: Session, table: Table, spec: EventSpec, event: CloudEvent) -> None:
    payload = spec.payload.model_validate(event.data)
    session.execute(
        insert(table).values(
            event_id=event.id,
            event_type=event.type,
            topic=spec.topic,
            message_key=key_of(spec, payload),
            payload=event.to_bytes(),
            sent=False,
        )
    )
    session.info[OUTBOX_PENDING] = True
