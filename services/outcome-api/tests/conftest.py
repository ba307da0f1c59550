"""An app over a migrated temporary SQLite file and an in-process bus: no network, no services."""

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from insikt_common.auth import mint_token
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.migrations import upgrade
from outcome_api.config import Settings
from outcome_api.main import create_app
from outcome_api.prestart import MIGRATIONS

PSEUDONYM_KEY = "test-pseudonym-key-0123456789abcdef"
AUTH_SECRET = "test-auth-secret-0123456789abcdef0123456789"
ORGANISATION = "demo-org"

ClientFor = Callable[..., TestClient]


def bearer(roles: Iterable[str], organisation_id: str = ORGANISATION, units: Iterable[str] = ()) -> dict[str, str]:
    token = mint_token(AUTH_SECRET, subject="tester", organisation_id=organisation_id, roles=roles, unit_ids=units)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    path = tmp_path / "outcome.db"
    upgrade(MIGRATIONS, f"sqlite:///{path}")
    return path


@pytest.fixture
def bus() -> InProcessBus:
    return InProcessBus()


@pytest.fixture
def app(database_file: Path, bus: InProcessBus) -> Iterator[FastAPI]:
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{database_file}",
        pseudonym_key=PSEUDONYM_KEY,
        auth_dev_secret=AUTH_SECRET,
    )
    app = create_app(settings, bus)
    with TestClient(app):
        yield app


@pytest.fixture
def client_for(app: FastAPI) -> ClientFor:
    """Clients calling with a token for the given organisation, roles and units, all on one app."""

    def make(
        organisation_id: str = ORGANISATION, roles: Iterable[str] = ("admin",), units: Iterable[str] = ()
    ) -> TestClient:
        return TestClient(app, headers=bearer(roles, organisation_id, units))

    return make


@pytest.fixture
def client(client_for: ClientFor) -> TestClient:
    """An administrator of ``demo-org``."""
    return client_for()
