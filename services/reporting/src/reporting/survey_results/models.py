from sqlmodel import Field

from reporting.models import ReportingTable


class RoundUnitTotal(ReportingTable, table=True):
    """Responses per round and unit (the n of the unit's report)."""

    __tablename__ = "round_unit_total"

    round_id: str = Field(primary_key=True, max_length=36)
    unit_id: str = Field(primary_key=True, max_length=64)
    questionnaire_id: str = Field(max_length=36)
    responses: int = 0


class AnswerCount(ReportingTable, table=True):
    """How many responses of a round and unit gave each answer to each question."""

    __tablename__ = "answer_count"

    round_id: str = Field(primary_key=True, max_length=36)
    unit_id: str = Field(primary_key=True, max_length=64)
    link_id: str = Field(primary_key=True, max_length=64)
    answer: str = Field(primary_key=True, max_length=64)
    """The option code, or the number for numeric items."""
    count: int = 0
