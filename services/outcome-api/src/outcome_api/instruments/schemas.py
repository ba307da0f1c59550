from pydantic import BaseModel

from outcome_api.instruments.models import Direction, Instrument


class ScaleRead(BaseModel):
    minimum: int
    maximum: int
    direction: Direction
    anchors: dict[int, str]


class AreaRead(BaseModel):
    code: str
    label: str


class InstrumentRead(BaseModel):
    id: str
    version: int
    title: str
    description: str
    licence: str
    scale: ScaleRead
    areas: list[AreaRead]

    @classmethod
    def of(cls, instrument: Instrument) -> "InstrumentRead":
        scale = instrument.scale
        return cls(
            id=instrument.id,
            version=instrument.version,
            title=instrument.title,
            description=instrument.description,
            licence=instrument.licence,
            scale=ScaleRead(
                minimum=scale.minimum,
                maximum=scale.maximum,
                direction=scale.direction,
                anchors=dict(scale.anchors),
            ),
            areas=[AreaRead(code=a.code, label=a.label) for a in instrument.areas],
        )
