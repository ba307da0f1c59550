from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from survey_api.questionnaires.schemas import QuestionnaireContent


class CodesRequest(BaseModel):
    count: int = Field(ge=1, le=5000)


class SheetRequest(BaseModel):
    count: int = Field(ge=1, le=500)
    """Up to 50 pages a sheet: a larger batch is several sheets."""


class CodesIssuedRead(BaseModel):
    """The codes, shown this once: only their hashes are kept."""

    round_id: str
    unit_id: str
    codes: list[str]


class Credential(BaseModel):
    """What a respondent holds: a one-time code, or a unit's open link."""

    code: str | None = Field(default=None, max_length=32, examples=["K7QM-2XPA-9RTD"])
    link: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.code is None) == (self.link is None):
            raise ValueError("give exactly one of code or link")
        return self


class SurveyForRespondent(BaseModel):
    """The questionnaire in the respondent's language, and what to answer it for."""

    round_id: str
    unit_id: str
    unit_name: str
    language: str
    questionnaire: QuestionnaireContent
    questionnaire_id: str
    questionnaire_version: int


class UnitParticipation(BaseModel):
    unit_id: str
    access_mode: Literal["codes", "open_link"]
    codes_issued: int
    codes_used: int
    responses: int
    response_rate: float | None
    """Responses / codes handed out; none for open links (nobody knows how many were asked)."""


class OpenLinkRead(BaseModel):
    unit_id: str
    link: str
    url: str
