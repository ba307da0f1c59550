"""Helpers for read-model handlers: many rows in one statement, counters that add up, on either database.

On PostgreSQL the rows travel as one JSON document (``insikt_common.db.recordset_insert``).
"""

from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Table, func, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from insikt_common.db import insert_with_conflicts, recordset_document, recordset_insert
from insikt_common.messaging.deferred import DeferredWrite, deferred


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model, for bulk statements."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


class _Tally:
    """Counts to add to a counter table, by row (its values in ``columns`` order, key columns first)."""

    def __init__(self, table: Table, columns: tuple[str, ...], added: str, key_columns: tuple[str, ...]) -> None:
        self.table, self.columns, self.added, self.key_columns = table, columns, added, key_columns
        self.counts: Counter[tuple[Any, ...]] = Counter()

    def write(self, session: Session) -> None:
        rows = [{**dict(zip(self.columns, row, strict=True)), self.added: n} for row, n in self.counts.items()]
        _add_to_counters(session, self.table, self.key_columns, rows, [self.added])


@contextmanager
def tally(
    session: Session, table: Table, columns: Sequence[str], added: str, key_columns: Sequence[str] | None = None
) -> Iterator[Counter[tuple[Any, ...]]]:
    """A counter to add to: ``tally[row] += n`` adds n to the ``added`` column of the row whose
    ``columns`` hold the values of ``row`` (inserted if missing). ``key_columns`` (all of ``columns``
    unless given) come first in ``columns``; the others are set when the row is inserted.

    Within the consumer's transaction the counts are summed over every batch it applies and written
    once per row just before it commits (``insikt_common.messaging.deferred``); otherwise when the
    block ends.
    """
    keys = tuple(key_columns or columns)
    assert tuple(columns[: len(keys)]) == keys, "key columns come first"
    spec = (table, tuple(columns), added, keys)
    with gathering(session, ("tally", table.name, *spec[1:]), lambda: _Tally(*spec)) as pending:
        yield pending.counts


W = TypeVar("W", bound=DeferredWrite)


@contextmanager
def gathering(session: Session, key: Hashable, make: Callable[[], W]) -> Iterator[W]:
    """Where to gather writes: the consumer's transaction's, under ``key``, written just before it
    commits; otherwise one of its own, written when the block ends."""
    pending = deferred(session, key, make)
    if pending is not None:
        yield pending
        return
    now = make()
    yield now
    now.write(session)


def _add_to_counters(
    session: Session, table: Table, key_columns: Sequence[str], rows: Sequence[Mapping[str, Any]], added: Sequence[str]
) -> None:
    """Insert ``rows``, or add their ``added`` columns to the rows already there with the same key.

    The keys of ``rows`` must be distinct (sum them first, or use ``tally``).
    """
    if not rows:
        return
    rows = _in_key_order(rows, key_columns)
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        columns = tuple(rows[0])
        conflict = _on_conflict_add(dialect, tuple(key_columns), tuple(added))
        session.execute(recordset_insert(dialect, table, columns, conflict), recordset_document(rows))
        return
    statement = insert_with_conflicts(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={column: table.c[column] + statement.excluded[column] for column in added},
    )
    session.execute(statement, [dict(row) for row in rows])


def upsert(session: Session, table: Table, key_columns: Sequence[str], row: Mapping[str, Any]) -> None:
    """Insert ``row`` or overwrite the row with the same key."""
    statement = insert_with_conflicts(session, table).values(dict(row))
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={c: statement.excluded[c] for c in row if c not in key_columns},
    )
    session.execute(statement)


def upsert_many(
    session: Session,
    table: Table,
    key_columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    kept_when_null: Sequence[str] = (),
) -> None:
    """Insert ``rows`` or overwrite the rows with the same key; a null in a ``kept_when_null`` column
    leaves the value already there. The keys of ``rows`` must be distinct."""
    if not rows:
        return
    rows = _in_key_order(rows, key_columns)
    dialect = session.get_bind().dialect
    columns = tuple(rows[0])
    if dialect.name == "postgresql":
        conflict = _on_conflict_overwrite(dialect, tuple(key_columns), columns, tuple(kept_when_null))
        session.execute(recordset_insert(dialect, table, columns, conflict), recordset_document(rows))
        return
    statement = insert_with_conflicts(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={
            c: func.coalesce(statement.excluded[c], table.c[c]) if c in kept_when_null else statement.excluded[c]
            for c in columns
            if c not in key_columns
        },
    )
    session.execute(statement, [dict(row) for row in rows])


def insert_ignoring_duplicates(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows``, leaving any row whose key is already there as it is."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        columns = tuple(rows[0])
        session.execute(recordset_insert(dialect, table, columns, "ON CONFLICT DO NOTHING"), recordset_document(rows))
        return
    # executemany form: SQLAlchemy batches the rows into few statements without compiling each.
    session.execute(insert_with_conflicts(session, table).on_conflict_do_nothing(), [dict(row) for row in rows])


def _in_key_order(rows: Sequence[Mapping[str, Any]], key_columns: Sequence[str]) -> list[Mapping[str, Any]]:
    """Rows that update shared rows go in key order: transactions writing overlapping keys (the live
    consumer and a rebuild) then lock them in the same order, and wait for each other instead of
    deadlocking."""
    return sorted(rows, key=itemgetter(*key_columns))


@lru_cache(maxsize=256)
def _on_conflict_add(dialect: Dialect, key_columns: tuple[str, ...], added: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    keys = ", ".join(quote(c) for c in key_columns)
    set_ = ", ".join(f"{quote(c)} = target.{quote(c)} + excluded.{quote(c)}" for c in added)
    return f"ON CONFLICT ({keys}) DO UPDATE SET {set_}"


@lru_cache(maxsize=256)
def _on_conflict_overwrite(
    dialect: Dialect, key_columns: tuple[str, ...], columns: tuple[str, ...], kept_when_null: tuple[str, ...]
) -> str:
    quote = dialect.identifier_preparer.quote
    keys = ", ".join(quote(c) for c in key_columns)
    values = {
        quote(c): f"coalesce(excluded.{quote(c)}, target.{quote(c)})" if c in kept_when_null else f"excluded.{quote(c)}"
        for c in columns
        if c not in key_columns
    }
    if not values:
        return f"ON CONFLICT ({keys}) DO NOTHING"
    set_ = ", ".join(f"{c} = {value}" for c, value in values.items())
    # A row that would not change is left alone: rewriting it would give it a new row version,
    # which reports read as "the read model changed" (repository.written_version).
    changed = " OR ".join(f"target.{c} IS DISTINCT FROM {value}" for c, value in values.items())
    return f"ON CONFLICT ({keys}) DO UPDATE SET {set_} WHERE {changed}"
