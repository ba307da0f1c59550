"""Writing survey events to the outbox, in the transaction of the change they report."""

from datetime import UTC, date, datetime, time

from pydantic import BaseModel
from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.contracts.catalogue import EventSpec
from insikt_common.contracts.envelope import new_event
from insikt_common.messaging.outbox import add_to_outbox
from survey_api.config import SERVICE_NAME
from survey_api.models import outbox


def emit(session: Session, spec: EventSpec, subject: str, payload: BaseModel, *, on: date | None = None) -> None:
    """Add the event; its time is midnight UTC of ``on`` (today): survey facts never carry a time of day."""
    day = datetime.combine(on or clock.today(), time.min, tzinfo=UTC)
    event = new_event(spec.type, f"/{SERVICE_NAME}", subject, payload, time=day)
    add_to_outbox(session, outbox, spec, event, payload)
