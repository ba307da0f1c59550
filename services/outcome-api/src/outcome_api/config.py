"""Settings of outcome-api, read once in the app factory from ``OUTCOME_*`` environment variables."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from insikt_common.settings import ServiceSettings, require_real_secret

SERVICE_NAME = "outcome-api"
SCHEMA = "outcome"
EVENT_SOURCE = f"/{SERVICE_NAME}"
"""The CloudEvents ``source`` of every event this service publishes."""

DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key"


class Settings(ServiceSettings):
    """Read from ``OUTCOME_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="OUTCOME_", extra="ignore")

    database_url: str = "sqlite:///.run/outcome.db"
    pseudonym_key: str = DEV_PSEUDONYM_KEY
    """Secret of the personnummer HMAC. Changing it unlinks every stored pseudonym, so it is kept
    like a database key: generated once per deployment, backed up, never rotated casually."""

    retention_years: int = Field(default=5, ge=1)
    """Participants whose last entry is older than this are erased by ``outcome-api-retention``."""

    @model_validator(mode="after")
    def _real_key_outside_development(self) -> "Settings":
        """A known or short key lets anyone recompute pseudonyms from the few million personnummer."""
        require_real_secret(self, "OUTCOME_PSEUDONYM_KEY", self.pseudonym_key, DEV_PSEUDONYM_KEY)
        return self
