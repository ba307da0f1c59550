"""Before the service starts: wait for the database, migrate it to head (as the schema's owner, when
``*_MIGRATION_DATABASE_URL`` names one) and let the service's role read and write rows."""

from pathlib import Path

from insikt_common.migrations import prestart
from outcome_api.config import SCHEMA, Settings

MIGRATIONS = Path(__file__).parent / "migrations"
APPEND_ONLY = ("audit_event",)
"""The service's role may read these and add to them, never change or delete a row."""


def main() -> None:
    settings = Settings()
    migrate(settings.database_url, owner_url=settings.migration_database_url)


def migrate(database_url: str, *, owner_url: str | None = None) -> None:
    """The prestart with these logins (also what tests run)."""
    prestart(MIGRATIONS, database_url, SCHEMA, owner_url=owner_url, append_only=APPEND_ONLY)


if __name__ == "__main__":
    main()
