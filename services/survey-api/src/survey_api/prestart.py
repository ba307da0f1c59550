"""Before the service starts: wait for the database, then migrate it to head."""

from pathlib import Path

from insikt_common.migrations import prestart
from survey_api.config import SCHEMA, Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    prestart(MIGRATIONS, Settings().database_url, SCHEMA)


if __name__ == "__main__":
    main()
