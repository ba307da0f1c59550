from datetime import date

from sqlalchemy import Text
from sqlmodel import Field

from survey_api.models import SurveyTable


class SurveyRound(SurveyTable, table=True):
    __tablename__ = "survey_round"

    id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(max_length=64, index=True)
    title: str = Field(max_length=200)
    questionnaire_id: str = Field(max_length=36)
    questionnaire_version: int
    opens_on: date
    closes_on: date
    status: str = Field(default="open", max_length=16)
    access_mode: str = Field(default="codes", max_length=16)
    """``codes`` (one-time codes) or ``open_link`` (a link per unit, for visit-based surveys)."""
    min_cell_count: int = 5
    """k: reports suppress every cell with fewer answers than this."""


class RoundUnit(SurveyTable, table=True):
    __tablename__ = "round_unit"

    round_id: str = Field(foreign_key="survey.survey_round.id", primary_key=True, max_length=36)
    unit_id: str = Field(foreign_key="survey.unit.id", primary_key=True, max_length=64)
    link_token: str | None = Field(default=None, max_length=64, unique=True)
    """The unit's open link (open-link rounds only): meant to be shown at the unit, so kept as is."""
    codes_used: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    """One character per code issued for the unit, at the code's ``ordinal``: ``1`` used, ``0`` not.

    The whole unit's state is one row, rewritten by every response (``access.service.use_code``).
    """
