from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.migrations import upgrade
from survey_api.config import Settings
from survey_api.main import create_app
from survey_api.prestart import MIGRATIONS


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
    with TestClient(create_app(settings, bus)) as client:
        yield client
