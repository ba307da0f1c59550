"""Goal Attainment Scaling: the levels and what a change must respect. Pure functions."""

from datetime import date

from insikt_common.errors import field_error

GAS_LEVELS = range(-2, 3)
"""−2 much less than expected, −1 somewhat less, 0 expected, +1 somewhat more, +2 much more."""


def level_errors(levels: dict[str, str]) -> list[dict[str, str]]:
    """Level descriptions must be keyed by GAS level."""
    allowed = {str(level) for level in GAS_LEVELS}
    return [field_error(f"levels.{key}", "GAS levels are -2, -1, 0, 1 and 2") for key in levels if key not in allowed]


def change_errors(set_on: date, last_changed_on: date, changed_on: date, *, today: date) -> list[dict[str, str]]:
    if changed_on > today:
        return [field_error("changed_on", "must not be in the future")]
    if changed_on < set_on:
        return [field_error("changed_on", "must not be before the goal was set")]
    if changed_on < last_changed_on:
        return [field_error("changed_on", "must not be before the goal's last change")]
    return []
