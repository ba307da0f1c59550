from sqlmodel import Field

from outcome_api.models import OutcomeTable


class Unit(OutcomeTable, table=True):
    """The latest name, type and municipality a client sent for a unit id agreed across services."""

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    type: str = Field(max_length=64)
    municipality_code: str = Field(max_length=4)
    organisation_id: str | None = Field(default=None, max_length=64)
    """The organisation that runs the unit: the first to use its id. None only for rows older than
    this column that no participant refers to."""
