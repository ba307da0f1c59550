"""Engines and sessions: PostgreSQL with one schema per service, or SQLite files in embedded mode."""

import time
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic_core import to_json
from sqlalchemy import Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import TextClause

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def make_engine(url: str, schema: str, *, pool_size: int = 10, pooled: bool = True) -> Engine:
    """On SQLite the service schema maps to the main database (one file per service).

    ``pooled=False`` opens a connection per use: for rare writes that must not wait on (or hold)
    a connection of the request pool.
    """
    if not pooled:
        engine = create_engine(url, poolclass=NullPool)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine.execution_options(schema_translate_map={schema: None})
        return engine
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine.execution_options(schema_translate_map={schema: None})
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=RECYCLE_AFTER_S)
    _ping_when_idle(engine)
    return engine


RECYCLE_AFTER_S = 1800
"""A pooled connection is replaced after half an hour, before servers or firewalls drop it."""
PING_AFTER_IDLE_S = 10.0
"""A connection unused this long is pinged when checked out (the database may have restarted
meanwhile); one in steady use is not, which spares a round trip on every request under load."""


def _ping_when_idle(engine: Engine) -> None:
    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("the connection did not answer a ping") from exc
        if not alive:
            raise DisconnectionError("the connection did not answer a ping")

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


_IDLE_SINCE = "insikt_idle_since"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def insert_with_conflicts(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ``ON CONFLICT``, in the dialect of the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


@lru_cache(maxsize=256)
def recordset_insert(dialect: Dialect, table: Table, columns: tuple[str, ...], tail: str) -> TextClause:
    """PostgreSQL: ``INSERT INTO table (columns) SELECT … {tail}`` whose rows arrive as one JSON
    document (``recordset_document``), turned back into rows by ``json_to_recordset``. The text is
    the same however many rows it carries, so nothing is compiled per batch, no parameter is bound
    per value, and the rows are encoded by pydantic-core's JSON serialiser (Rust, about four times
    faster than the json module; dates as ISO 8601). ``tail`` follows the SELECT:
    ``ORDER BY``, ``ON CONFLICT``, ``RETURNING``."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    types = ", ".join(f"{quote(c)} {table.c[c].type.compile(dialect=dialect)}" for c in columns)
    target = dialect.identifier_preparer.format_table(table)
    return text(
        f"INSERT INTO {target} AS target ({names}) "
        f"SELECT {names} FROM json_to_recordset(CAST(:rows AS JSON)) AS incoming({types}) {tail}"
    )


def recordset_document(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The parameters of a ``recordset_insert`` carrying ``rows``."""
    return {"rows": to_json(rows).decode()}


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def request_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (services never commit)."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions.begin() as session:
        yield session


SessionDep = Annotated[Session, Depends(request_session, scope="function")]
