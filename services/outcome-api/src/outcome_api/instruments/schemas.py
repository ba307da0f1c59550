from pydantic import BaseModel, Field

from outcome_api.instruments.models import Area, Direction, Instrument, Scale


class ScaleRead(BaseModel):
    minimum: int
    maximum: int
    direction: Direction
    anchors: dict[int, str]


class AreaRead(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_]{1,64}$")
    label: str = Field(min_length=1, max_length=200)


class InstrumentDefinition(BaseModel):
    """A version's content as an administrator configures it; the version number is given by the service."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    licence: str = Field(min_length=1, max_length=500, examples=["Licensed to Exempelby kommun until 2027"])
    scale: ScaleRead
    areas: list[AreaRead] = Field(min_length=1, max_length=100)

    def as_instrument(self, instrument_id: str, version: int) -> Instrument:
        return Instrument(
            id=instrument_id,
            version=version,
            title=self.title,
            description=self.description,
            licence=self.licence,
            scale=Scale(self.scale.minimum, self.scale.maximum, self.scale.direction, dict(self.scale.anchors)),
            areas=tuple(Area(a.code, a.label) for a in self.areas),
        )


class InstrumentCreate(InstrumentDefinition):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["exempelby-livsomraden"])


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
