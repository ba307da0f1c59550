import pytest
from pydantic import ValidationError

from survey_api.config import DEV_CLIENT_KEY, Settings


@pytest.mark.parametrize("key", [DEV_CLIENT_KEY, "changeme", "too-short-for-a-key"])
def test_production_refuses_a_known_or_short_client_key(key: str) -> None:
    with pytest.raises(ValidationError, match="SURVEY_CLIENT_KEY"):
        Settings(environment="production", client_key=key)


def test_production_takes_a_real_key_and_development_the_default() -> None:
    assert Settings(environment="production", client_key="k" * 40).client_key == "k" * 40
    assert Settings(environment="development").client_key == DEV_CLIENT_KEY
