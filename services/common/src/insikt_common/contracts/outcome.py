"""Payloads of the events outcome-api publishes. They carry pseudonymous ids only."""

from datetime import date
from typing import Literal

from pydantic import BaseModel

from insikt_common.contracts.units import UnitRef

Occasion = Literal["baseline", "follow_up", "exit", "post_exit"]
Rater = Literal["self", "staff", "joint"]


class ParticipantRegistered(BaseModel):
    participant_id: str
    organisation_id: str
    unit: UnitRef
    birth_year: int | None
    gender: Literal["female", "male", "other", "unknown"]


class AreaScore(BaseModel):
    area: str
    score: float


class AssessmentRecorded(BaseModel):
    assessment_id: str
    participant_id: str
    organisation_id: str
    unit_id: str
    instrument_id: str
    instrument_version: int
    occasion: Occasion
    rater: Rater
    assessed_on: date
    scores: list[AreaScore]
