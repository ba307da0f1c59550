"""The INSTRUMENT_PUBLISHED payload of a version: what reporting needs to read its scores."""

from insikt_common.contracts.outcome import InstrumentArea, InstrumentPublished
from outcome_api.instruments.models import Instrument


def published(instrument: Instrument) -> InstrumentPublished:
    return InstrumentPublished(
        instrument_id=instrument.id,
        version=instrument.version,
        title=instrument.title,
        areas=[InstrumentArea(code=a.code, label_sv=a.label) for a in instrument.areas],
        scale_min=instrument.scale.minimum,
        scale_max=instrument.scale.maximum,
        direction=instrument.scale.direction,
        step=1.0,
    )
