from datetime import date

from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal
from insikt_common.contracts.catalogue import PARTICIPANT_REGISTERED
from insikt_common.contracts.envelope import new_event, random_id
from insikt_common.contracts.outcome import ParticipantRegistered
from insikt_common.errors import Conflict, NotFound, Unprocessable, field_error
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.access import require_unit
from outcome_api.audit import service as audit
from outcome_api.config import EVENT_SOURCE
from outcome_api.models import outbox
from outcome_api.participants import personnummer, repository
from outcome_api.participants.models import Participant
from outcome_api.participants.schemas import ParticipantCreate, ParticipantRead
from outcome_api.units import service as units


def register(
    session: Session,
    principal: Principal,
    data: ParticipantCreate,
    *,
    pseudonym_key: str,
    today: date | None = None,
) -> tuple[ParticipantRead, bool]:
    """Store a participant and its event; returns it and whether it is new.

    A personnummer already registered in the organisation returns that participant unchanged, so
    a case system can register the same person again without creating a second identity.
    """
    today = today or clock.today()
    organisation_id = principal.organisation_id
    require_unit(principal, data.unit.id)
    personnummer_hmac = _pseudonym(data.personnummer, pseudonym_key, today)
    if (known := _registered(session, principal, personnummer_hmac)) is not None:
        audit.record(session, principal, "participant.read", known.id)
        return to_read(session, known), False

    unit = units.upsert(session, data.unit, principal.organisation_id)
    session.flush()
    participant = Participant(
        id=random_id(),
        organisation_id=organisation_id,
        unit_id=unit.id,
        birth_year=data.birth_year,
        gender=data.gender,
        personnummer_hmac=personnummer_hmac,
        registered_on=today,
    )
    try:
        with session.begin_nested():
            repository.add(session, participant)
            session.flush()
    except IntegrityError:
        # Another request registered the same person a moment ago.
        if (known := _registered(session, principal, personnummer_hmac)) is None:
            raise
        audit.record(session, principal, "participant.read", known.id)
        return to_read(session, known), False

    payload = ParticipantRegistered(
        participant_id=participant.id,
        organisation_id=organisation_id,
        unit=units.ref(unit, organisation_id),
        birth_year=participant.birth_year,
        gender=data.gender,
    )
    event = new_event(PARTICIPANT_REGISTERED.type, EVENT_SOURCE, f"participant/{participant.id}", payload)
    add_to_outbox(session, outbox, PARTICIPANT_REGISTERED, event)
    audit.record(session, principal, "participant.register", participant.id)
    return to_read(session, participant), True


def get(session: Session, principal: Principal, participant_id: str) -> ParticipantRead:
    participant = get_or_raise(session, principal, participant_id)
    audit.record(session, principal, "participant.read", participant.id)
    return to_read(session, participant)


def get_or_raise(session: Session, principal: Principal, participant_id: str) -> Participant:
    """The participant in the caller's scope; outside it, or unknown, is the same 404."""
    participant = repository.get(session, principal, participant_id)
    if participant is None:
        raise NotFound(f"participant {participant_id} not found")
    return participant


def to_read(session: Session, participant: Participant) -> ParticipantRead:
    return ParticipantRead(
        id=participant.id,
        organisation_id=participant.organisation_id,
        unit=units.ref(units.get(session, participant.unit_id), participant.organisation_id),
        birth_year=participant.birth_year,
        gender=participant.gender,
        registered_on=participant.registered_on,
        has_personnummer=participant.personnummer_hmac is not None,
    )


def _pseudonym(given: SecretStr | None, key: str, today: date) -> str | None:
    if given is None:
        return None
    try:
        normalised = personnummer.normalise(given.get_secret_value(), today)
    except personnummer.InvalidPersonnummer as exc:
        raise Unprocessable([field_error("personnummer", str(exc))]) from None
    return personnummer.pseudonym(normalised, key)


def _registered(session: Session, principal: Principal, personnummer_hmac: str | None) -> Participant | None:
    """The participant already registered with this personnummer in the caller's organisation.

    One registered at a unit the caller does not work in is a conflict: handing it back would show
    its data, and a second identity for the same person would split their history.
    """
    if personnummer_hmac is None:
        return None
    known = repository.find_by_pseudonym(session, principal.organisation_id, personnummer_hmac)
    if known is not None and repository.get(session, principal, known.id) is None:
        raise Conflict("this person is registered at a unit outside your units; ask an administrator")
    return known
