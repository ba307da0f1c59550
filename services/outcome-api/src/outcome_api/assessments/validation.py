"""Checking an assessment's scores against its instrument: pure functions, no I/O."""

from collections.abc import Mapping

from insikt_common.errors import field_error
from outcome_api.instruments.models import Instrument


def score_errors(instrument: Instrument, scores: Mapping[str, float]) -> list[dict[str, str]]:
    """Every problem with ``scores``, one message per area (empty when they are valid)."""
    if not scores:
        return [field_error("scores", "give a score for at least one area")]
    scale = instrument.scale
    errors: list[dict[str, str]] = []
    for area, score in scores.items():
        where = f"scores.{area}"
        if not instrument.has_area(area):
            known = ", ".join(a.code for a in instrument.areas)
            errors.append(field_error(where, f"unknown area for {instrument.id}; the areas are {known}"))
        elif not scale.contains(score):
            expected = f"a whole number from {scale.minimum} to {scale.maximum}"
            errors.append(field_error(where, f"score must be {expected}"))
    return errors
