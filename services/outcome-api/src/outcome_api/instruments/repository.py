"""Where instruments are found. Today only the built-in ones; customer instruments will add a table
behind these same functions."""

from outcome_api.instruments.builtin import BUILT_IN
from outcome_api.instruments.models import Instrument


def get(instrument_id: str) -> Instrument | None:
    return next((i for i in BUILT_IN if i.id == instrument_id), None)


def list_all() -> list[Instrument]:
    return list(BUILT_IN)
