from pydantic_settings import SettingsConfigDict

from insikt_common.settings import ServiceSettings

SERVICE_NAME = "reporting"
SCHEMA = "reporting"
CONSUMER_GROUP = "reporting"


class Settings(ServiceSettings):
    """Read from ``REPORTING_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    database_url: str = "sqlite:///.run/reporting.db"
    min_cell_count: int = 5
    """k: any number built from fewer answers or participants than this is suppressed."""
    rebuild_quiet_s: float = 5.0
    """A rebuild ends once no event has come for this long."""
    rebuild_batch_size: int = 5000
    """Events polled and decoded at a time by ``reporting-rebuild``."""
    rebuild_events_per_transaction: int = 25_000
    """Events per transaction in ``reporting-rebuild`` (the live consumer commits each poll of
    ``consumer_batch_size``: a rebuild has no freshness to protect, and its counters summed over
    more events are fewer rows to write). Its messages are held until the commit."""
    rebuild_workers: int = 3
    """Processes ``reporting-rebuild`` splits the topics' partitions between (at most the partition
    count). A divisor of the partition count (6) spreads them evenly; one more than the cores keeps
    them busy while PostgreSQL works (on 2 cores: 3 workers 16,400–16,700 events/s, 2 workers 14,400,
    6 workers 14,900)."""
    rebuild_fetch_bytes_per_partition: int = 4 * 1024 * 1024
    """How much ``reporting-rebuild`` asks Kafka for per partition and fetch."""
