from datetime import date

from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal
from insikt_common.contracts.catalogue import INSTRUMENT_PUBLISHED
from insikt_common.contracts.envelope import new_event
from insikt_common.errors import Conflict, NotFound, Unprocessable, field_error
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.config import EVENT_SOURCE
from outcome_api.instruments import repository
from outcome_api.instruments.events import published
from outcome_api.instruments.models import Instrument
from outcome_api.instruments.rules import definition_errors
from outcome_api.instruments.schemas import InstrumentCreate, InstrumentDefinition, InstrumentRead
from outcome_api.models import outbox


def list_all(session: Session, principal: Principal) -> list[InstrumentRead]:
    """The latest version of every instrument the caller's organisation may use."""
    return [InstrumentRead.of(i) for i in repository.list_latest(session, principal.organisation_id)]


def get_version(session: Session, principal: Principal, instrument_id: str, version: int) -> InstrumentRead:
    instrument = repository.get(session, principal.organisation_id, instrument_id, version)
    if instrument is None:
        raise NotFound(f"instrument {instrument_id} version {version} not found")
    return InstrumentRead.of(instrument)


def get_or_raise(
    session: Session,
    organisation_id: str,
    instrument_id: str,
    version: int | None = None,
    *,
    field: str = "instrument_id",
) -> Instrument:
    """An instrument named in a request body (the latest version unless one is given); an unknown one
    is a problem with that field (422)."""
    instrument = repository.get(session, organisation_id, instrument_id, version)
    if instrument is None:
        raise Unprocessable([field_error(field, f"unknown instrument {instrument_id!r}")])
    return instrument


def create(
    session: Session, principal: Principal, data: InstrumentCreate, *, today: date | None = None
) -> InstrumentRead:
    """Publish the next version of one of the organisation's instruments (the first, for a new id)."""
    owner = repository.owner_and_latest(session, data.id)
    if owner is not None and owner[0] != principal.organisation_id:
        raise Conflict(f"instrument id {data.id!r} is taken; choose another")
    version = 1 if owner is None else owner[1] + 1
    instrument = _checked(data, data.id, version)
    _publish(session, instrument, principal.organisation_id, today or clock.today())
    return InstrumentRead.of(instrument)


def replace(
    session: Session,
    principal: Principal,
    instrument_id: str,
    version: int,
    data: InstrumentDefinition,
    *,
    today: date | None = None,
) -> InstrumentRead:
    """Rewrite a version no assessment uses yet (a typo, a missing area); a used version never changes."""
    owner = repository.owner_and_latest(session, instrument_id)
    current = repository.get(session, principal.organisation_id, instrument_id, version)
    if current is None or owner is None or owner[0] != principal.organisation_id:
        raise NotFound(f"instrument {instrument_id} version {version} not found among your instruments")
    if repository.in_use(session, instrument_id, version):
        raise Conflict(f"version {version} is in use by assessments and cannot change; publish a new version")
    instrument = _checked(data, instrument_id, version)
    _publish(session, instrument, principal.organisation_id, today or clock.today())
    return InstrumentRead.of(instrument)


def _checked(data: InstrumentDefinition, instrument_id: str, version: int) -> Instrument:
    errors = definition_errors(data.scale.minimum, data.scale.maximum, data.scale.anchors, [a.code for a in data.areas])
    if errors:
        raise Unprocessable(errors)
    return data.as_instrument(instrument_id, version)


def _publish(session: Session, instrument: Instrument, organisation_id: str | None, today: date) -> None:
    repository.save(session, instrument, organisation_id, today)
    event = new_event(
        INSTRUMENT_PUBLISHED.type,
        EVENT_SOURCE,
        f"instrument/{instrument.id}/{instrument.version}",
        published(instrument),
    )
    add_to_outbox(session, outbox, INSTRUMENT_PUBLISHED, event)
