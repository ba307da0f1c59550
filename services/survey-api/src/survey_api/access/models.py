from datetime import date, datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field

from survey_api.models import SurveyTable


class AccessCode(SurveyTable, table=True):
    """A one-time code, as its hash: no date of use, no link to a response.

    The row is written once, when the code is issued. Whether the code has been used is kept on
    its round unit (``RoundUnit.codes_used``, at ``ordinal``), so that answering never writes it.
    """

    __tablename__ = "access_code"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", "ordinal"),)

    code_hash: str = Field(primary_key=True, max_length=64)
    round_id: str = Field(foreign_key="survey.survey_round.id", max_length=36, index=True)
    unit_id: str = Field(foreign_key="survey.unit.id", max_length=64)
    issued_on: date
    ordinal: int
    """The code's place among its unit's codes (0, 1, …): its character in ``RoundUnit.codes_used``."""


class RateLimit(SurveyTable, table=True):
    """A fixed-window counter (wrong codes per client, responses per open link), shared by replicas."""

    __tablename__ = "rate_limit"

    key: str = Field(primary_key=True, max_length=80)
    window_started_at: datetime = Field(sa_type=DateTime(timezone=True))
    count: int = 0
