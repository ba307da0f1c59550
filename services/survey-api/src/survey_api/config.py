from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from insikt_common.settings import ServiceSettings, require_real_secret

SERVICE_NAME = "survey-api"
SCHEMA = "survey"
DEV_CLIENT_KEY = "dev-only-client-key-never-in-production"


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
    intake_concurrency: int | None = None
    """Respondent requests (responses, access) that run at once; by default the pool size
    (``SURVEY_DB_POOL_SIZE``), so each finds a connection free."""
    intake_queue: int = 100
    """Respondent requests that may wait for a turn; more than that are answered 503 at once."""
    intake_queue_wait_s: float = 5.0
    """The longest a respondent request waits for a turn before it is answered 503: a backstop for
    a stalled database. The queue's length (``intake_queue``) is what sheds a burst."""
    respondent_url: str = "http://127.0.0.1:8001/answer"
    """The page a QR code or open link opens; ``?code=`` or ``?link=`` is appended."""
    client_key: str = DEV_CLIENT_KEY
    """HMAC key for the client addresses the wrong-code lockout counts by: a plain hash of an IPv4
    address can be reversed by trying all four billion. The same on every replica."""

    @model_validator(mode="after")
    def _real_key_outside_development(self) -> "Settings":
        require_real_secret(self, "SURVEY_CLIENT_KEY", self.client_key, DEV_CLIENT_KEY)
        return self
