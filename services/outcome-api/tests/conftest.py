"""An app over a migrated temporary SQLite file and an in-process bus: no network, no services."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.migrations import upgrade
from outcome_api.config import Settings
from outcome_api.main import create_app
from outcome_api.prestart import MIGRATIONS

PSEUDONYM_KEY = "test-pseudonym-key-0123456789abcdef"

ClientFor = Callable[[str], TestClient]


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    path = tmp_path / "outcome.db"
    upgrade(MIGRATIONS, f"sqlite:///{path}")
    return path


@pytest.fixture
def bus() -> InProcessBus:
    return InProcessBus()


@pytest.fixture
def client_for(database_file: Path, bus: InProcessBus) -> Iterator[ClientFor]:
    """Clients acting for a given organisation, all on the same database and bus."""
    clients: list[TestClient] = []

    def make(organisation_id: str) -> TestClient:
        settings = Settings(
            environment="test",
            database_url=f"sqlite:///{database_file}",
            pseudonym_key=PSEUDONYM_KEY,
            organisation_id=organisation_id,
        )
        client = TestClient(create_app(settings, bus))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(client_for: ClientFor) -> TestClient:
    return client_for("demo-org")
