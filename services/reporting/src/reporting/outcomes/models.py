from sqlmodel import Field

from reporting.models import ReportingTable


class ParticipantEntry(ReportingTable, table=True):
    """A pseudonymous participant as reporting knows them (kept so erasure can find them)."""

    __tablename__ = "participant_entry"

    id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    unit_id: str = Field(index=True, max_length=64)


class AreaAssessmentCount(ReportingTable, table=True):
    """Assessments and the sum of their scores per unit, instrument area and occasion."""

    __tablename__ = "area_assessment_count"

    unit_id: str = Field(primary_key=True, max_length=64)
    instrument_id: str = Field(primary_key=True, max_length=64)
    area: str = Field(primary_key=True, max_length=64)
    occasion: str = Field(primary_key=True, max_length=16)
    assessments: int = 0
    score_sum: float = 0.0
