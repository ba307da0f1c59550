from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from reporting.directory.models import UnitEntry
from reporting.survey_results.models import (
    AnswerCount,
    CodesIssuedCount,
    Comment,
    QuestionnaireVersion,
    ResponseEntry,
    RoundEntry,
    RoundPublication,
    RoundUnitTotal,
)


def total(session: Session, round_id: str, unit_id: str) -> RoundUnitTotal | None:
    return session.get(RoundUnitTotal, (round_id, unit_id))


def totals(session: Session, round_id: str) -> list[RoundUnitTotal]:
    statement = select(RoundUnitTotal).where(col(RoundUnitTotal.round_id) == round_id)
    return list(session.scalars(statement.order_by(RoundUnitTotal.unit_id)))


def totals_of_questionnaire(session: Session, questionnaire_id: str) -> list[RoundUnitTotal]:
    statement = select(RoundUnitTotal).where(col(RoundUnitTotal.questionnaire_id) == questionnaire_id)
    return list(session.scalars(statement.order_by(RoundUnitTotal.round_id, RoundUnitTotal.unit_id)))


def answer_counts(session: Session, round_ids: list[str]) -> list[AnswerCount]:
    statement = select(AnswerCount).where(col(AnswerCount.round_id).in_(round_ids))
    return list(session.scalars(statement.order_by(AnswerCount.round_id, AnswerCount.unit_id, AnswerCount.link_id)))


def units(session: Session, unit_ids: set[str]) -> dict[str, UnitEntry]:
    statement = select(UnitEntry).where(col(UnitEntry.id).in_(unit_ids))
    return {unit.id: unit for unit in session.scalars(statement)}


def round_entry(session: Session, round_id: str) -> RoundEntry | None:
    return session.get(RoundEntry, round_id)


def round_entries(session: Session, round_ids: set[str]) -> dict[str, RoundEntry]:
    statement = select(RoundEntry).where(col(RoundEntry.round_id).in_(round_ids))
    return {entry.round_id: entry for entry in session.scalars(statement)}


def questionnaire(session: Session, questionnaire_id: str, version: int) -> QuestionnaireVersion | None:
    return session.get(QuestionnaireVersion, (questionnaire_id, version))


def codes_issued(session: Session, round_id: str) -> dict[str, int]:
    statement = select(CodesIssuedCount).where(col(CodesIssuedCount.round_id) == round_id)
    return {row.unit_id: row.codes for row in session.scalars(statement)}


def comments(session: Session, round_id: str, unit_id: str) -> list[Comment]:
    statement = select(Comment).where(col(Comment.round_id) == round_id, col(Comment.unit_id) == unit_id)
    return list(session.scalars(statement.order_by(Comment.link_id, Comment.text)))


def response_answers(session: Session, round_id: str, unit_ids: list[str]) -> dict[str, dict[str, str]]:
    """Each response's counted answers by link id, by response id."""
    statement = select(col(ResponseEntry.response_id), col(ResponseEntry.answers)).where(
        col(ResponseEntry.round_id) == round_id, col(ResponseEntry.unit_id).in_(unit_ids)
    )
    return {response_id: answers for response_id, answers in session.execute(statement)}


def publication(session: Session, round_id: str) -> RoundPublication | None:
    return session.get(RoundPublication, round_id)


def public_round_ids(session: Session) -> set[str]:
    statement = select(col(RoundPublication.round_id)).where(col(RoundPublication.public).is_(True))
    return set(session.scalars(statement))


def totals_with_units(session: Session) -> list[tuple[RoundUnitTotal, UnitEntry]]:
    rows = session.execute(
        select(RoundUnitTotal, UnitEntry)
        .join(UnitEntry, col(UnitEntry.id) == col(RoundUnitTotal.unit_id))
        .order_by(RoundUnitTotal.round_id, UnitEntry.name)
    )
    return [(total, unit) for total, unit in rows.all()]
