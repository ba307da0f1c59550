from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_api.participants.models import Participant


def get(session: Session, organisation_id: str, participant_id: str) -> Participant | None:
    """The participant, if it belongs to ``organisation_id``: another organisation's is not found."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.organisation_id != organisation_id:
        return None
    return participant


def find_by_pseudonym(session: Session, organisation_id: str, personnummer_hmac: str) -> Participant | None:
    return session.scalars(
        select(Participant).where(
            Participant.organisation_id == organisation_id,  # type: ignore[arg-type]
            Participant.personnummer_hmac == personnummer_hmac,  # type: ignore[arg-type]
        )
    ).first()


def add(session: Session, participant: Participant) -> None:
    session.add(participant)
