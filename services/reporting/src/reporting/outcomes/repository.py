from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from reporting.outcomes.models import AreaAssessmentCount, ParticipantEntry


def participant_count(session: Session, unit_id: str) -> int:
    statement = select(func.count()).select_from(ParticipantEntry).where(col(ParticipantEntry.unit_id) == unit_id)
    return session.execute(statement).scalar_one()


def area_counts(session: Session, unit_id: str) -> list[AreaAssessmentCount]:
    statement = (
        select(AreaAssessmentCount)
        .where(col(AreaAssessmentCount.unit_id) == unit_id)
        .order_by(AreaAssessmentCount.instrument_id, AreaAssessmentCount.area, AreaAssessmentCount.occasion)
    )
    return list(session.scalars(statement))
