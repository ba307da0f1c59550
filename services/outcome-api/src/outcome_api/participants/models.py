from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from outcome_api.models import OutcomeTable


class Participant(OutcomeTable, table=True):
    """A pseudonymous participant. Deliberately absent: name, personnummer, full date of birth."""

    __table_args__ = (UniqueConstraint("organisation_id", "personnummer_hmac"),)

    id: str = Field(primary_key=True, max_length=36)
    """Random (uuid4): it reveals neither the person nor when they were registered."""
    organisation_id: str = Field(max_length=64)
    """Indexed through the unique constraint, which leads with it."""
    unit_id: str = Field(foreign_key="outcome.unit.id", index=True, max_length=64)
    birth_year: int | None = None
    gender: str = Field(max_length=16)
    personnummer_hmac: str | None = Field(default=None, max_length=64)
    """HMAC-SHA256 of the normalised personnummer: links enrolments without storing the number."""
    registered_on: date
