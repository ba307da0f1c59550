"""Imports every table module, so the metadata is complete for migrations and tests."""

from survey_api.access.models import AccessCode, RateLimit
from survey_api.models import metadata, outbox
from survey_api.questionnaires.models import Questionnaire
from survey_api.responses.models import Response
from survey_api.rounds.models import RoundUnit, SurveyRound
from survey_api.units.models import Unit

__all__ = [
    "AccessCode",
    "Questionnaire",
    "RateLimit",
    "Response",
    "RoundUnit",
    "SurveyRound",
    "Unit",
    "metadata",
    "outbox",
]
