from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from insikt_common.contracts.survey import AnswerValue
from survey_api.access.schemas import Credential


class ResponseSubmit(Credential):
    """A filled-in form, with the code or the open link that admits it."""

    submission_id: UUID
    """Chosen by the client once per filled-in form; resending it is safe."""
    round_id: str | None = None
    """Optional: when given, it must be the round the code or link belongs to."""
    unit_id: str | None = None
    """Optional: when given, it must be the unit the code or link belongs to."""
    answers: list[AnswerValue] = Field(max_length=500)


class Receipt(BaseModel):
    submission_id: UUID
    received_on: date
    status: str = "accepted"
