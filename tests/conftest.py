"""Session-wide real PostgreSQL and Kafka, a fresh database per module, a topic prefix per test."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.infra import (
    USED,
    Broker,
    ServiceDatabase,
    bootstrap_of,
    create_service_database,
    drop_database,
    kafka_server,
    postgres_server,
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for name, how in USED.items():
        terminalreporter.write_line(f"real {name}: {how}")


@pytest.fixture(scope="session")
def infra_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("infra")


@pytest.fixture(scope="session")
def pg_admin_url(infra_dir: Path) -> Iterator[str]:
    with postgres_server(infra_dir) as url:
        yield url


@pytest.fixture(scope="session")
def kafka(infra_dir: Path) -> Iterator[Broker | str]:
    with kafka_server(infra_dir) as server:
        yield server


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka: Broker | str) -> str:
    return bootstrap_of(kafka)


@pytest.fixture(scope="module")
def service_db(pg_admin_url: str) -> Iterator[ServiceDatabase]:
    database = create_service_database(pg_admin_url)
    yield database
    drop_database(pg_admin_url, database.name)


@pytest.fixture
def topic_prefix() -> str:
    """Every test gets its own topics (and so its own consumer offsets)."""
    return f"t{secrets.token_hex(4)}."
