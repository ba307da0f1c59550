"""Before the service starts: wait for the database, then migrate it to head."""

from pathlib import Path

from insikt_common.migrations import upgrade, wait_for_database
from reporting.config import SCHEMA, Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    settings = Settings()
    wait_for_database(settings.database_url, SCHEMA)
    upgrade(MIGRATIONS, settings.database_url)


if __name__ == "__main__":
    main()
