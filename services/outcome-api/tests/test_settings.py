"""The pseudonym key: a development default, refused where real personnummer are handled."""

import pytest
from pydantic import ValidationError

from outcome_api.config import DEV_PSEUDONYM_KEY, Settings


def test_development_and_test_may_use_the_default_key() -> None:
    assert Settings(environment="development").pseudonym_key == DEV_PSEUDONYM_KEY
    assert Settings(environment="test").pseudonym_key == DEV_PSEUDONYM_KEY


@pytest.mark.parametrize("key", [DEV_PSEUDONYM_KEY, "changethis", "short-but-not-default"])
def test_production_refuses_a_placeholder_or_short_key(key: str) -> None:
    with pytest.raises(ValidationError, match="OUTCOME_PSEUDONYM_KEY"):
        Settings(environment="production", pseudonym_key=key)


def test_production_takes_a_real_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTCOME_ENVIRONMENT", "production")
    monkeypatch.setenv("OUTCOME_PSEUDONYM_KEY", "k" * 40)
    assert Settings().pseudonym_key == "k" * 40
