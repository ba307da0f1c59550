from sqlmodel import Field

from reporting.models import ReportingTable


class UnitEntry(ReportingTable, table=True):
    __tablename__ = "unit_entry"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    type: str = Field(max_length=64)
    municipality_code: str = Field(max_length=4)
    organisation_id: str | None = Field(default=None, max_length=64)
    """Known once an event carries it; kept when a later event leaves it out."""
