"""Running a service's Alembic history: from its ``env.py``, from the prestart, or from tests."""

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData, make_url, text

from insikt_common.db import make_engine

log = logging.getLogger(__name__)


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["database_url"] = database_url
    return config


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def downgrade(migrations_dir: Path, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, database_url), revision)


def run_env(context: Any, metadata: MetaData, schema: str, default_url: Callable[[], str]) -> None:
    """The body of every service's ``env.py``: own schema, own version table, online only.

    The URL is the one the caller put in the Alembic config, else the service's settings.
    """
    url = context.config.attributes.get("database_url") or default_url()
    engine = make_engine(url, schema, pool_size=1)
    on_postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if on_postgres:
            _ensure_schema(connection, schema)
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema if on_postgres else None,
            include_schemas=True,
            include_name=lambda name, type_, _parent: type_ != "schema" or name == schema,
            render_as_batch=not on_postgres,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _ensure_schema(connection: Any, schema: str) -> None:
    """Create the schema unless the operator already made it (owned by the owner role).

    Read from ``pg_namespace``: ``information_schema`` hides a schema the role may not use, which
    would turn a missing grant into an attempt to create the schema (and a misleading error).
    """
    usable = connection.execute(
        text("SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = :s"), {"s": schema}
    ).scalar()
    if usable is None:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    elif not usable:
        role = connection.execute(text("SELECT current_user")).scalar()
        raise RuntimeError(
            f"schema {schema!r} exists but {role} may not use it: migrate as the schema's owner first "
            "(<PREFIX>_MIGRATION_DATABASE_URL; docs/operations.md, 'Database roles')"
        )
    connection.commit()


def wait_for_database(database_url: str, schema: str, timeout_s: float = 60) -> None:
    """Block until the database answers, so a container's prestart can run before it is up."""
    engine = make_engine(database_url, schema, pool_size=1)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"database not reachable after {timeout_s:.0f} s") from exc
                log.info("waiting for the database: %s", exc)
                time.sleep(1)
    finally:
        engine.dispose()


def prestart(
    migrations_dir: Path,
    database_url: str,
    schema: str,
    *,
    owner_url: str | None = None,
    append_only: Sequence[str] = (),
) -> None:
    """What runs before the service: wait for the database, migrate it to head, and give the
    service's role what it may do.

    With ``owner_url`` (``<PREFIX>_MIGRATION_DATABASE_URL``, the login that owns the schema) the
    migrations run as the owner, and the service's own role (``database_url``'s user) may then read
    and write rows and nothing more (``grant_rows``): it cannot change the schema, drop a trigger or
    rewrite an ``append_only`` table. Without it the service's role migrates (one role: ``make run``,
    quick installations, and installations from before the two roles; a warning says so), or, where
    it owns nothing, finds the schema at head and changes nothing, else fails. Prestarts of one
    schema run one at a time (pods starting together).
    """
    url = owner_url or database_url
    service_role = make_url(database_url).username
    if owner_url is not None and not service_role:
        raise ValueError("the service's DATABASE_URL names no user: the prestart grants that role its rows")
    wait_for_database(url, schema)
    engine = make_engine(url, schema, pool_size=1)
    try:
        if engine.dialect.name != "postgresql":
            upgrade(migrations_dir, url)
            return
        with engine.connect() as connection, _one_at_a_time(connection, schema):
            upgrade(migrations_dir, url)
            if owner_url is not None and service_role:
                grant_rows(connection, schema, to=service_role, append_only=append_only)
            else:
                _warn_if_the_service_owns(connection, schema)
    finally:
        engine.dispose()


def _given_columns(connection: Any, schema: str, table: str) -> list[str]:
    """The columns an insert gives: all but those numbered by a sequence or as identity."""
    return list(
        connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = :t "
                "AND is_identity = 'NO' AND coalesce(column_default, '') NOT LIKE 'nextval(%' ORDER BY ordinal_position"
            ),
            {"s": schema, "t": table},
        ).scalars()
    )


@contextmanager
def _one_at_a_time(connection: Connection, schema: str, *, wait_s: float = 1800, poll_s: float = 0.1) -> Iterator[None]:
    """A PostgreSQL advisory lock per schema, held by ``connection`` while the block runs: two
    sessions granting on the same tables at once fail (``tuple concurrently updated``), and two
    migrations must not interleave.

    Taken by trying, not by waiting inside ``pg_advisory_lock``: a session waiting in a statement
    holds a snapshot, which a migration's ``CREATE INDEX CONCURRENTLY`` would wait for, a wait
    PostgreSQL cannot see as a deadlock. Gives up after ``wait_s`` (a migration stuck elsewhere).
    The lock belongs to the session: behind PgBouncer the owner's URL needs session pooling.
    """
    key = int.from_bytes(hashlib.sha256(f"insikt-prestart:{schema}".encode()).digest()[:8], "big", signed=True)
    deadline = time.monotonic() + wait_s
    while not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
        connection.commit()
        if time.monotonic() > deadline:
            raise RuntimeError(f"another prestart of schema {schema!r} has held its turn for {wait_s:.0f} s")
        time.sleep(poll_s)
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()  # whatever the block left uncommitted, after a failure
        released = connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key}).scalar()
        connection.commit()
        if not released:
            log.warning("the prestart's lock on schema %s was not held at the end (a pooler between?)", schema)


def _warn_if_the_service_owns(connection: Connection, schema: str) -> None:
    owns = connection.execute(
        text(
            "SELECT nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_namespace WHERE nspname = :s"
        ),
        {"s": schema},
    ).scalar()
    connection.commit()
    if owns:
        log.warning(
            "the service's own role owns schema %s: it could change the schema and the triggers that "
            "guard its tables; give the prestart the owner's login apart (docs/operations.md, 'Database roles')",
            schema,
        )


VERSION_TABLE = "alembic_version"


def grant_rows(connection: Connection, schema: str, *, to: str, append_only: Sequence[str] = ()) -> None:
    """Let role ``to`` read and write the rows of ``schema``'s tables, on a PostgreSQL ``connection``
    of the schema's owner.

    No DDL (it owns nothing), only reading the migration version, only reading and adding to the
    ``append_only`` tables, and there without choosing the row's number (its sequence gives it, so
    an added row cannot pose as an earlier one). Run after every migration, so a new table is
    covered before the service that uses it starts. Nothing to do when ``to`` is the owner itself.
    """
    if to == connection.engine.url.username:
        return
    quote = connection.dialect.identifier_preparer.quote
    space, role = quote(schema), quote(to)
    statements = [
        f"GRANT USAGE ON SCHEMA {space} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {space} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {space} TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {space}.{quote(VERSION_TABLE)} FROM {role}",
    ]
    for table in append_only:
        if not (columns := _given_columns(connection, schema, table)):
            raise ValueError(f"append-only table {schema}.{table} has no columns an insert gives")
        given = ", ".join(quote(column) for column in columns)
        statements += [
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {space}.{quote(table)} FROM {role}",
            f"GRANT INSERT ({given}) ON {space}.{quote(table)} TO {role}",
        ]
    for statement in statements:
        connection.execute(text(statement))
    connection.commit()
