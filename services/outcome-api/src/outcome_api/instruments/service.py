from insikt_common.errors import Unprocessable, field_error
from outcome_api.instruments import repository
from outcome_api.instruments.models import Instrument
from outcome_api.instruments.schemas import InstrumentRead


def list_all() -> list[InstrumentRead]:
    return [InstrumentRead.of(i) for i in repository.list_all()]


def get_or_raise(instrument_id: str, *, field: str = "instrument_id") -> Instrument:
    """An instrument named in a request body; an unknown one is a problem with that field (422)."""
    instrument = repository.get(instrument_id)
    if instrument is None:
        raise Unprocessable([field_error(field, f"unknown instrument {instrument_id!r}")])
    return instrument
