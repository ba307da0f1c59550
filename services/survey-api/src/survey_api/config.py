from pydantic_settings import SettingsConfigDict

from insikt_common.settings import ServiceSettings

SERVICE_NAME = "survey-api"
SCHEMA = "survey"


class Settings(ServiceSettings):
    """Read from ``SURVEY_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SURVEY_", extra="ignore")

    database_url: str = "sqlite:///.run/survey.db"
    max_body_bytes: int = 64 * 1024
    """Respondent endpoints (responses, access): anything larger is a 413."""
    max_admin_body_bytes: int = 4 * 1024 * 1024
    """Administrative endpoints (questionnaire imports with many languages are large)."""
    max_free_text_chars: int = 2000
    code_attempt_limit: int = 10
    """Wrong codes a client may try within ``code_attempt_window_s`` before it gets 429."""
    code_attempt_window_s: int = 900
    open_link_limit: int = 120
    """Responses one open link takes within ``open_link_window_s`` (a busy reception, not a script)."""
    open_link_window_s: int = 3600
    respondent_url: str = "http://127.0.0.1:8001/answer"
    """The page a QR code or open link opens; ``?code=`` or ``?link=`` is appended."""
