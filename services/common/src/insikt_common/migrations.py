"""Running a service's Alembic history: from its ``env.py``, from the prestart, or from tests."""

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text

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
    """Create the schema unless the operator already made it (owned by the service's role)."""
    exists = connection.execute(
        text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"), {"s": schema}
    ).first()
    if exists is None:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
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


def prestart(migrations_dir: Path, database_url: str, schema: str) -> None:
    """What a container runs before the service: wait for the database, then migrate it to head."""
    wait_for_database(database_url, schema)
    upgrade(migrations_dir, database_url)
