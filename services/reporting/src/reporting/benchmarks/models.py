from sqlmodel import Field

from reporting.models import ReportingTable


class KoladaValue(ReportingTable, table=True):
    """One Kolada figure: a KPI for a municipality (``0000`` = riket) or unit (ou), period and gender.

    Imported, not built from events: a rebuild keeps it.
    """

    __tablename__ = "kolada_value"

    kpi: str = Field(primary_key=True, max_length=32)
    area: str = Field(primary_key=True, max_length=64)
    """A municipality code (``0000`` = riket) or a Kolada unit id (``V15E…``)."""
    period: int = Field(primary_key=True)
    gender: str = Field(primary_key=True, max_length=1)
    """T total, K women, M men."""
    value: float | None = None
    count: int | None = None
    status: str | None = Field(default=None, max_length=16)


class BenchmarkMapping(ReportingTable, table=True):
    """Which Kolada KPI a question is compared with (its value is a share positive in per cent)."""

    __tablename__ = "benchmark_mapping"

    questionnaire_id: str = Field(primary_key=True, max_length=36)
    link_id: str = Field(primary_key=True, max_length=64)
    kpi: str = Field(max_length=32)
