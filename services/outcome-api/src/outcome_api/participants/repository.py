from sqlalchemy import select
from sqlalchemy.orm import Session

from insikt_common.auth import Principal
from outcome_api.access import in_scope
from outcome_api.participants.models import Participant


def get(session: Session, principal: Principal, participant_id: str) -> Participant | None:
    """The participant, if it is in the caller's organisation and units; anyone else's is not found."""
    return session.scalars(
        select(Participant).where(
            Participant.id == participant_id,  # type: ignore[arg-type]
            in_scope(principal, Participant.organisation_id, Participant.unit_id),  # type: ignore[arg-type]
        )
    ).first()


def find_by_pseudonym(session: Session, organisation_id: str, personnummer_hmac: str) -> Participant | None:
    return session.scalars(
        select(Participant).where(
            Participant.organisation_id == organisation_id,  # type: ignore[arg-type]
            Participant.personnummer_hmac == personnummer_hmac,  # type: ignore[arg-type]
        )
    ).first()


def add(session: Session, participant: Participant) -> None:
    session.add(participant)
