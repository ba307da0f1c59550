from datetime import date, datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from survey_api.models import SurveyTable


class AccessCode(SurveyTable, table=True):
    """A one-time code, as its hash. Used or not is all it records: no date, no link to a response."""

    __tablename__ = "access_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    round_id: str = Field(foreign_key="survey.survey_round.id", max_length=36, index=True)
    unit_id: str = Field(foreign_key="survey.unit.id", max_length=64)
    issued_on: date
    used: bool = False


class RateLimit(SurveyTable, table=True):
    """A fixed-window counter (wrong codes per client, responses per open link), shared by replicas."""

    __tablename__ = "rate_limit"

    key: str = Field(primary_key=True, max_length=80)
    window_started_at: datetime = Field(sa_type=DateTime(timezone=True))
    count: int = 0
