"""Settings every service shares; each service subclasses with its own env prefix and defaults."""

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]
BusKind = Literal["memory", "kafka"]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    environment: Environment = "development"
    database_url: str
    """SQLAlchemy URL: ``postgresql+psycopg://…`` for real use, ``sqlite:///file.db`` embedded."""
    migration_database_url: str | None = None
    """The schema owner's login, for the prestart only: it migrates as the owner and lets the
    service's role (``database_url``) read and write rows, nothing more. Unset, the service's role
    migrates and owns its schema (docs/operations.md, "Database roles")."""
    bus: BusKind = "memory"
    """``kafka`` for anything real; ``memory`` only when all services share one process."""
    kafka_bootstrap_servers: str = "localhost:9092"
    kafka_topic_prefix: str = ""
    kafka_topic_partitions: int = 6
    kafka_topic_retention_ms: int = -1
    """For topics the services create; -1 keeps events for ever (reporting rebuilds from them)."""
    kafka_fetch_min_bytes: int = 64 * 1024
    """A consumer's fetch waits at the broker until this much has arrived (or ``kafka_fetch_wait_ms``
    has passed): under a steady stream a fetch, and the consumer's transaction, carries tens of
    events instead of one or two."""
    kafka_fetch_wait_ms: int = 100
    """The longest a fetch waits for ``kafka_fetch_min_bytes``: an event is applied up to this much later."""
    db_pool_size: int = 10
    relay_batch_size: int = 500
    relay_gather_ms: int = 50
    """After a batch that was not full the relay waits until this long after it, so that a steady
    stream of commits goes out in batches (one select, one Kafka round trip and one update each)."""
    consumer_batch_size: int = 2000
    """At most; a consumer catching up applies full batches, whose counters sum into fewer rows."""
    log_level: str = "INFO"
    auth_jwks_url: str | None = None
    """The identity provider's JWKS: RS256/ES256 tokens are verified against it."""
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_dev_secret: str | None = "dev-only-auth-secret-never-in-production"
    """HS256 secret for development and test only; ignored in production."""


PLACEHOLDER_SECRETS = frozenset({"", "changethis", "changeme", "secret"})
MIN_SECRET_LENGTH = 32


def require_real_secret(settings: ServiceSettings, variable: str, value: str, development_default: str) -> None:
    """Outside development and test a secret must be set, unguessable and at least 32 characters."""
    if settings.environment in ("development", "test"):
        return
    if value in PLACEHOLDER_SECRETS or value == development_default:
        raise ValueError(f"{variable} must be set to a real secret in {settings.environment}")
    if len(value) < MIN_SECRET_LENGTH:
        raise ValueError(f"{variable} must be at least {MIN_SECRET_LENGTH} characters")
