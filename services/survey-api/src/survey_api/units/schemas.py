from pydantic import BaseModel, Field


class UnitUpsert(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=64, examples=["hvb", "ifo_vuxen", "lss_boende"])
    municipality_code: str = Field(pattern=r"^\d{4}$", examples=["0580"])


class UnitRead(UnitUpsert):
    id: str
