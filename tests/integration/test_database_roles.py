"""The prestart with two roles on real PostgreSQL: the owner migrates and grants, the service's role
finds its rows, prestarts started together all succeed, and the image's own prestart (the service's
role alone) changes nothing at head and refuses a schema it may not migrate."""

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from insikt_common.migrations import downgrade, prestart
from survey_api.prestart import MIGRATIONS
from tests.infra import ServiceDatabase, create_service_database, drop_database, migrate

SERVICE = "survey-api"


@pytest.fixture
def database(pg_admin_url: str) -> Iterator[ServiceDatabase]:
    database = create_service_database(pg_admin_url)
    yield database
    drop_database(pg_admin_url, database.name)


def version(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM survey.alembic_version")).scalar()
            return None if found is None else str(found)
    finally:
        engine.dispose()


def test_prestarts_of_one_schema_started_together_all_succeed(database: ServiceDatabase) -> None:
    """Pods starting at once each migrate and grant: granting on the same tables from two sessions
    at once fails in PostgreSQL (``tuple concurrently updated``) unless they take turns. (Each
    migrating a fresh database at once would wait for one another without end; the same turns
    prevent that, but a test of it would hang rather than fail, so this one starts at head.)"""
    migrate(database, SERVICE)

    def start() -> None:
        migrate(database, SERVICE)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [pool.submit(start) for _ in range(24)]
        failures = [error for result in results if (error := result.exception()) is not None]

    assert failures == []
    assert version(database.url_for(SERVICE)) is not None


def test_the_images_own_prestart_with_only_the_service_role_changes_nothing_at_head(
    database: ServiceDatabase,
) -> None:
    migrate(database, SERVICE)
    head = version(database.url_for(SERVICE))

    prestart(MIGRATIONS, database.url_for(SERVICE), "survey")

    assert version(database.url_for(SERVICE)) == head


def test_the_service_role_alone_cannot_run_a_pending_migration(database: ServiceDatabase) -> None:
    migrate(database, SERVICE)
    head = version(database.url_for(SERVICE))
    downgrade(MIGRATIONS, database.owner_url_for(SERVICE), "-1")
    behind = version(database.url_for(SERVICE))

    with pytest.raises(DBAPIError, match="must be owner"):
        prestart(MIGRATIONS, database.url_for(SERVICE), "survey")

    assert version(database.url_for(SERVICE)) == behind != head


def test_before_the_owner_has_migrated_the_service_role_is_told_to_migrate_as_the_owner(
    database: ServiceDatabase,
) -> None:
    with pytest.raises(RuntimeError, match="migrate as the schema's owner"):
        prestart(MIGRATIONS, database.url_for(SERVICE), "survey")


def test_with_an_owner_a_service_url_without_a_user_name_is_refused(database: ServiceDatabase) -> None:
    nameless = "postgresql+psycopg://127.0.0.1:1/insikt"
    with pytest.raises(ValueError, match="names no user"):
        prestart(MIGRATIONS, nameless, "survey", owner_url=database.owner_url_for(SERVICE))


def test_a_service_role_that_owns_its_schema_is_warned_about_and_one_that_does_not_is_not(
    database: ServiceDatabase, pg_admin_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    migrate(database, SERVICE)
    with caplog.at_level(logging.WARNING, logger="insikt_common.migrations"):
        prestart(MIGRATIONS, database.url_for(SERVICE), "survey")
    assert not [r for r in caplog.records if "owns schema" in r.getMessage()]

    one_role = create_service_database(pg_admin_url)
    admin = create_engine(one_role.admin_database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("ALTER SCHEMA survey OWNER TO insikt_survey"))
        with caplog.at_level(logging.WARNING, logger="insikt_common.migrations"):
            prestart(MIGRATIONS, one_role.url_for(SERVICE), "survey")
        assert [r for r in caplog.records if "owns schema survey" in r.getMessage()]
    finally:
        admin.dispose()
        drop_database(pg_admin_url, one_role.name)
