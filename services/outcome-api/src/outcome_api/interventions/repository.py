from sqlalchemy import select
from sqlalchemy.orm import Session

from outcome_api.interventions.models import Intervention


def find(session: Session, organisation_id: str, external_reference: str) -> Intervention | None:
    return session.scalars(
        select(Intervention).where(
            Intervention.organisation_id == organisation_id,  # type: ignore[arg-type]
            Intervention.external_reference == external_reference,  # type: ignore[arg-type]
        )
    ).first()


def list_for_participant(session: Session, participant_id: str) -> list[Intervention]:
    return list(
        session.scalars(
            select(Intervention)
            .where(Intervention.participant_id == participant_id)  # type: ignore[arg-type]
            .order_by(Intervention.started_on, Intervention.id)  # type: ignore[arg-type]
        )
    )


def add(session: Session, intervention: Intervention) -> None:
    session.add(intervention)
