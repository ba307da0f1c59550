"""When a participant's data has outlived the retention period. Pure functions."""

from datetime import date

DEFAULT_RETENTION_YEARS = 5
"""Five years after the last entry: the Swedish default for social services case data."""


def cutoff(today: date, years: int) -> date:
    """The first day still inside the retention period; 29 February falls back to the 28th."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def expired(last_entry_on: date, today: date, years: int) -> bool:
    return last_entry_on < cutoff(today, years)
