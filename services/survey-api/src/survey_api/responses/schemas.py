from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from insikt_common.contracts.survey import AnswerValue


class ResponseSubmit(BaseModel):
    submission_id: UUID
    """Chosen by the client once per filled-in form; resending it is safe."""
    round_id: str
    unit_id: str
    answers: list[AnswerValue] = Field(max_length=500)


class Receipt(BaseModel):
    submission_id: UUID
    received_on: date
    status: str = "accepted"
