from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from reporting.models import ReportingTable

_ARRAY_OF_TEXT = JSON().with_variant(ARRAY(String), "postgresql")
"""A PostgreSQL array (added to element by element in SQL); JSON on SQLite."""
_ARRAY_OF_INT = JSON().with_variant(ARRAY(Integer), "postgresql")


class QuestionnaireVersion(ReportingTable, table=True):
    """A published questionnaire version: what its options mean (positive, non-substantive, value)."""

    __tablename__ = "questionnaire_version"

    questionnaire_id: str = Field(primary_key=True, max_length=36)
    version: int = Field(primary_key=True)
    title_sv: str = Field(max_length=500)
    items: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    """The ``QuestionDefinition``s of the event, as JSON."""


class RoundEntry(ReportingTable, table=True):
    __tablename__ = "round_entry"

    round_id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(index=True, max_length=64)
    questionnaire_id: str = Field(index=True, max_length=36)
    questionnaire_version: int
    title: str = Field(max_length=200)
    opens_on: date
    closes_on: date
    unit_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    access_mode: str = Field(max_length=16)
    min_cell_count: int
    closed_on: date | None = None


class RoundPublication(ReportingTable, table=True):
    """An organisation's choice to publish a round's aggregated report without a token.

    Not built from events, so a rebuild keeps it.
    """

    __tablename__ = "round_publication"

    round_id: str = Field(primary_key=True, max_length=36)
    organisation_id: str = Field(max_length=64)
    public: bool = False
    changed_on: date


class RoundUnitTotal(ReportingTable, table=True):
    """Responses per round and unit (the n of the unit's report)."""

    __tablename__ = "round_unit_total"

    round_id: str = Field(primary_key=True, max_length=36)
    unit_id: str = Field(primary_key=True, max_length=64)
    questionnaire_id: str = Field(max_length=36)
    questionnaire_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    responses: int = 0


class CodesIssuedCount(ReportingTable, table=True):
    """One-time codes handed out per round and unit: the denominator of the response rate."""

    __tablename__ = "codes_issued_count"

    round_id: str = Field(primary_key=True, max_length=36)
    unit_id: str = Field(primary_key=True, max_length=64)
    codes: int = 0


class AnswerCount(ReportingTable, table=True):
    """How many responses of a round and unit gave each answer to each question."""

    __tablename__ = "answer_count"

    round_id: str = Field(primary_key=True, max_length=36)
    unit_id: str = Field(primary_key=True, max_length=64)
    link_id: str = Field(primary_key=True, max_length=64)
    answer: str = Field(primary_key=True, max_length=64)
    """The option code, or the number for numeric items."""
    count: int = 0


class ResponseEntry(ReportingTable, table=True):
    """The counted answers of one response, for breakdowns by a background answer (kön, åldersgrupp)
    of the same response. The response id is random and nothing else identifies the respondent."""

    __tablename__ = "response_entry"
    __table_args__ = (
        Index(None, "round_id", "unit_id"),
        Index(None, "questionnaire_id", "questionnaire_version"),
    )

    response_id: str = Field(primary_key=True, max_length=36)
    round_id: str = Field(max_length=36)
    unit_id: str = Field(max_length=64)
    questionnaire_id: str = Field(max_length=36, sa_column_kwargs={"server_default": ""})
    """With the version: which responses to count by background when their questionnaire comes
    after them (``projection.on_questionnaire_published``)."""
    questionnaire_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    answers: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    """The option code (or number) answered to each item, by link id."""


class BackgroundTally(ReportingTable, table=True):
    """The breakdowns' counts, kept as responses arrive so that a report never reads the responses
    themselves: per round, unit, background question (kön, åldersgrupp) and its answer (``"none"``
    for those who left it out), for each question with a share (``link_ids``, in questionnaire
    order), how many answered it substantively (Vet inte is not counted) and how many of them
    positively. One row per group, so a response adds to one row per background question.

    Counted only once the questionnaire is known, which says which questions are background
    questions and which answers are positive (``projection.background_of``); the responses that came
    before it are counted when it comes (``projection.on_questionnaire_published``)."""

    __tablename__ = "background_tally"

    round_id: str = Field(primary_key=True, max_length=36)
    unit_id: str = Field(primary_key=True, max_length=64)
    background_link_id: str = Field(primary_key=True, max_length=64)
    background_answer: str = Field(primary_key=True, max_length=64)
    link_ids: list[str] = Field(sa_column=Column(_ARRAY_OF_TEXT, nullable=False))
    positive: list[int] = Field(sa_column=Column(_ARRAY_OF_INT, nullable=False))
    """By position in ``link_ids``."""
    answered: list[int] = Field(sa_column=Column(_ARRAY_OF_INT, nullable=False))
    """By position in ``link_ids``."""


class Comment(ReportingTable, table=True):
    """A free-text answer. Listed only for units that reach k, sorted by text (not by arrival)."""

    __tablename__ = "comment"

    response_id: str = Field(primary_key=True, max_length=36)
    link_id: str = Field(primary_key=True, max_length=64)
    round_id: str = Field(index=True, max_length=36)
    unit_id: str = Field(max_length=64)
    text: str = Field(max_length=4000)
