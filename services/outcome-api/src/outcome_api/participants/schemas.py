from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from insikt_common import clock
from insikt_common.contracts.units import UnitRef

Gender = Literal["female", "male", "other", "unknown"]


class ParticipantCreate(BaseModel):
    unit: UnitRef
    birth_year: int | None = Field(default=None, ge=1900, examples=[1987])
    gender: Gender
    personnummer: SecretStr | None = Field(default=None, max_length=13, examples=["19121212-1212"])
    """Personnummer or samordningsnummer, 10 or 12 digits. Only its keyed hash is stored; a secret
    type keeps it out of reprs and tracebacks."""

    @field_validator("birth_year")
    @classmethod
    def _not_after_this_year(cls, value: int | None) -> int | None:
        if value is not None and value > clock.today().year:
            raise ValueError("birth_year must not be after the current year")
        return value


class ParticipantRead(BaseModel):
    id: str
    organisation_id: str
    unit: UnitRef
    birth_year: int | None
    gender: Gender
    registered_on: date
    has_personnummer: bool
    """Whether later registrations of the same person will find this participant."""
