from pydantic_settings import SettingsConfigDict

from insikt_common.settings import ServiceSettings

SERVICE_NAME = "survey-api"
SCHEMA = "survey"


class Settings(ServiceSettings):
    """Read from ``SURVEY_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SURVEY_", extra="ignore")

    database_url: str = "sqlite:///.run/survey.db"
    max_body_bytes: int = 64 * 1024
    max_free_text_chars: int = 2000
