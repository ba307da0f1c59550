import functools
import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import BindParameter, Row, Select, String, bindparam, cast, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlmodel import col

from reporting.directory.models import UnitEntry
from reporting.survey_results.models import (
    AnswerCount,
    BackgroundTally,
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


def answer_count_rows(session: Session, round_ids: list[str]) -> Sequence[Row[str, str, str, str, int]]:
    """The rounds' answer counters as plain tuples (no ORM instances), by round, unit and question."""
    statement = select(
        col(AnswerCount.round_id),
        col(AnswerCount.unit_id),
        col(AnswerCount.link_id),
        col(AnswerCount.answer),
        col(AnswerCount.count),
    ).where(col(AnswerCount.round_id).in_(round_ids))
    statement = statement.order_by(AnswerCount.round_id, AnswerCount.unit_id, AnswerCount.link_id)
    return session.execute(statement).all()


def written_version(
    session: Session, *, round_id: str | None = None, questionnaire_id: str | None = None
) -> str | None:
    """A fingerprint of the rows a round's tables (or, with ``questionnaire_id``, every round of a
    questionnaire's) are computed from: each round and unit total with its unit and round entry, and
    the questionnaire's versions. Built from PostgreSQL's row versions (``xmin``), so it changes
    whenever the consumer writes any of those rows (a response also adds to its unit's total in
    the same transaction, and a rebuild writes every row anew), even when the numbers stay the
    same. None on databases without row versions (SQLite): nothing may then be cached."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    by_round = round_id is not None
    found = session.execute(_written_version_statement(by_round), {"key": round_id if by_round else questionnaire_id})
    rows, questionnaires = found.one()
    if rows is None:
        return None
    return hashlib.sha256(f"{rows}|{questionnaires}".encode()).hexdigest()


@functools.cache
def _written_version_statement(by_round: bool) -> Select[str | None, str | None]:
    totals = RoundUnitTotal.__table__.alias("t")  # type: ignore[attr-defined]
    units = UnitEntry.__table__.alias("u")  # type: ignore[attr-defined]
    entries = RoundEntry.__table__.alias("e")  # type: ignore[attr-defined]
    versions = QuestionnaireVersion.__table__.alias("q")  # type: ignore[attr-defined]

    def xmin(alias: str) -> Any:
        return func.coalesce(cast(literal_column(f"{alias}.xmin"), String), "")

    key: BindParameter[str] = bindparam("key", type_=String)
    chosen = totals.c.round_id == key if by_round else totals.c.questionnaire_id == key
    row_versions = (
        select(
            func.string_agg(
                totals.c.round_id + "/" + totals.c.unit_id + "@" + xmin("t") + "@" + xmin("u") + "@" + xmin("e"),
                aggregate_order_by(literal(","), totals.c.round_id, totals.c.unit_id),
            )
        )
        .select_from(
            totals.outerjoin(units, units.c.id == totals.c.unit_id).outerjoin(
                entries, entries.c.round_id == totals.c.round_id
            )
        )
        .where(chosen)
    )
    questionnaire_versions = select(
        func.string_agg(
            cast(versions.c.version, String) + "@" + xmin("q"), aggregate_order_by(literal(","), versions.c.version)
        )
    ).where(versions.c.questionnaire_id.in_(select(totals.c.questionnaire_id).where(chosen)))
    return select(row_versions.scalar_subquery(), questionnaire_versions.scalar_subquery())


def round_ids_of_questionnaire(session: Session, questionnaire_id: str) -> set[str]:
    statement = select(col(RoundUnitTotal.round_id)).where(col(RoundUnitTotal.questionnaire_id) == questionnaire_id)
    return set(session.scalars(statement.distinct()))


def codes_issued_to(session: Session, round_id: str, unit_id: str) -> int | None:
    statement = select(col(CodesIssuedCount.codes)).where(
        col(CodesIssuedCount.round_id) == round_id, col(CodesIssuedCount.unit_id) == unit_id
    )
    return session.scalars(statement).first()


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


def responses_to(session: Session, questionnaire_id: str, version: int) -> Iterator[tuple[str, str, dict[str, str]]]:
    """Each response to the questionnaire version: its round, unit and counted answers by link id,
    read in batches as they are used (a server-side cursor on PostgreSQL): never all in memory."""
    statement = (
        select(col(ResponseEntry.round_id), col(ResponseEntry.unit_id), col(ResponseEntry.answers))
        .where(col(ResponseEntry.questionnaire_id) == questionnaire_id)
        .where(col(ResponseEntry.questionnaire_version) == version)
        .execution_options(yield_per=10_000)
    )
    result = session.execute(statement)
    try:
        yield from ((round_id, unit_id, answers) for round_id, unit_id, answers in result)
    finally:
        result.close()  # also when the reader stops early: the server-side cursor closes


def background_tallies(session: Session, round_id: str) -> Iterator[tuple[str, str, str, str, int, int]]:
    """Per unit, background question, its group and question with a share: positive and substantive
    answers. Groups that gave the question only non-substantive answers are not there."""
    statement = select(
        col(BackgroundTally.unit_id),
        col(BackgroundTally.background_link_id),
        col(BackgroundTally.background_answer),
        col(BackgroundTally.link_ids),
        col(BackgroundTally.positive),
        col(BackgroundTally.answered),
    ).where(col(BackgroundTally.round_id) == round_id)
    for unit_id, background_id, group, link_ids, positive, answered in session.execute(statement):
        for link_id, p, n in zip(link_ids, positive, answered, strict=True):
            if n:
                yield unit_id, background_id, group, link_id, p, n


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
