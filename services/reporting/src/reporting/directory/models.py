from sqlmodel import Field

from reporting.models import ReportingTable


class UnitEntry(ReportingTable, table=True):
    __tablename__ = "unit_entry"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    type: str = Field(max_length=64)
    municipality_code: str = Field(max_length=4)
