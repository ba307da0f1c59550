from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reporting.directory.models import UnitEntry
from reporting.survey_results.models import AnswerCount, RoundUnitTotal


def total(session: Session, round_id: str, unit_id: str) -> RoundUnitTotal | None:
    return session.get(RoundUnitTotal, (round_id, unit_id))


def answer_counts(session: Session, round_id: str, unit_id: str) -> list[AnswerCount]:
    return list(
        session.scalars(
            select(AnswerCount)
            .where(col(AnswerCount.round_id) == round_id, col(AnswerCount.unit_id) == unit_id)
            .order_by(AnswerCount.link_id, AnswerCount.answer)
        )
    )


def totals_with_units(session: Session) -> list[tuple[RoundUnitTotal, UnitEntry]]:
    rows = session.execute(
        select(RoundUnitTotal, UnitEntry)
        .join(UnitEntry, col(UnitEntry.id) == col(RoundUnitTotal.unit_id))
        .order_by(RoundUnitTotal.round_id, UnitEntry.name)
    )
    return [(total, unit) for total, unit in rows.all()]
