from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from fastapi.testclient import TestClient

from insikt_common.auth import mint_token
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.migrations import upgrade
from survey_api.config import Settings
from survey_api.main import create_app
from survey_api.prestart import MIGRATIONS

DEV_SECRET = "dev-only-auth-secret-never-in-production"


@pytest.fixture
def bus() -> InProcessBus:
    return InProcessBus()


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    path = tmp_path / "survey.db"
    upgrade(MIGRATIONS, f"sqlite:///{path}")
    return path


@pytest.fixture
def client(database_file: Path, bus: InProcessBus) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{database_file}", environment="test", max_free_text_chars=50)
    with TestClient(create_app(settings, bus), headers=bearer("admin")) as client:
        yield client


class Bearer(Protocol):
    def __call__(self, *roles: str, organisation_id: str = ...) -> dict[str, str]: ...


@pytest.fixture(name="bearer")
def bearer_fixture() -> Bearer:
    """Headers with a token for the given roles (organisation ``test-org`` unless told)."""
    return bearer


def bearer(*roles: str, organisation_id: str = "test-org") -> dict[str, str]:
    """A development token, as the organisation's identity provider would issue it."""
    token = mint_token(DEV_SECRET, subject="tester", organisation_id=organisation_id, roles=roles)
    return {"Authorization": f"Bearer {token}"}
