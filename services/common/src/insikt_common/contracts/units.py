"""Units (enheter) as they travel in events; reporting keeps the directory built from them."""

from pydantic import BaseModel, Field


class UnitRef(BaseModel):
    """A unit with the metadata reporting needs to roll results up to municipality and type."""

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=64)
    municipality_code: str = Field(pattern=r"^\d{4}$")
    organisation_id: str | None = Field(default=None, max_length=64)
    """The organisation (municipality or provider) that runs the unit, when known."""
