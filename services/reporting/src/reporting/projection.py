"""Helpers for read-model handlers: counters that add up in one statement on either database."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from insikt_common.db import insert_with_conflicts


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model, for bulk statements."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def add_to_counters(
    session: Session, table: Table, key_columns: Sequence[str], rows: Sequence[Mapping[str, Any]], added: Sequence[str]
) -> None:
    """Insert ``rows``, or add their ``added`` columns to the rows already there with the same key."""
    if not rows:
        return
    statement = insert_with_conflicts(session, table).values(list(rows))
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={column: table.c[column] + statement.excluded[column] for column in added},
    )
    session.execute(statement)


def upsert(session: Session, table: Table, key_columns: Sequence[str], row: Mapping[str, Any]) -> None:
    """Insert ``row`` or overwrite the row with the same key."""
    statement = insert_with_conflicts(session, table).values(dict(row))
    statement = statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={c: statement.excluded[c] for c in row if c not in key_columns},
    )
    session.execute(statement)


def insert_ignoring_duplicates(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows``, leaving any row whose key is already there as it is."""
    if not rows:
        return
    # executemany form: SQLAlchemy batches the rows into few statements without compiling each.
    session.execute(insert_with_conflicts(session, table).on_conflict_do_nothing(), [dict(row) for row in rows])
