from datetime import date

from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal, Role
from insikt_common.contracts.catalogue import PARTICIPANT_ERASED
from insikt_common.contracts.envelope import new_event
from insikt_common.contracts.outcome import ParticipantErased
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.audit import service as audit
from outcome_api.config import EVENT_SOURCE
from outcome_api.erasure import repository
from outcome_api.erasure.retention import cutoff
from outcome_api.models import outbox
from outcome_api.participants import service as participants
from outcome_api.participants.models import Participant

RETENTION_JOB = "retention-job"
"""The audit log's ``subject`` for erasures the retention job makes."""


def erase(session: Session, principal: Principal, participant_id: str) -> None:
    """Erase a participant in the caller's scope (404 outside it) and publish PARTICIPANT_ERASED."""
    participant = participants.get_or_raise(session, principal, participant_id)
    _erase(session, participant)
    audit.record(session, principal, "participant.erase", participant.id)


def purge_expired(session: Session, *, years: int, today: date | None = None, limit: int = 500) -> list[str]:
    """Erase up to ``limit`` participants whose last entry is older than ``years``; returns their ids."""
    today = today or clock.today()
    expired = repository.expired_participants(session, cutoff(today, years), today, limit)
    for participant in expired:
        _erase(session, participant)
        job = Principal(RETENTION_JOB, participant.organisation_id, frozenset({Role.SYSTEM}), frozenset())
        audit.record(session, job, "participant.purge", participant.id)
    return [p.id for p in expired]


def expired_ids(session: Session, *, years: int, today: date | None = None, limit: int = 500) -> list[str]:
    """Who ``purge_expired`` would erase, without erasing them."""
    today = today or clock.today()
    return [p.id for p in repository.expired_participants(session, cutoff(today, years), today, limit)]


def _erase(session: Session, participant: Participant) -> None:
    participant_id, organisation_id = participant.id, participant.organisation_id
    session.expunge(participant)
    repository.delete_participant(session, participant_id)
    payload = ParticipantErased(participant_id=participant_id, organisation_id=organisation_id)
    event = new_event(PARTICIPANT_ERASED.type, EVENT_SOURCE, f"participant/{participant_id}", payload)
    add_to_outbox(session, outbox, PARTICIPANT_ERASED, event)
