"""Imports every table module, so the metadata is complete for migrations and tests."""

from reporting.directory.models import UnitEntry
from reporting.models import inbox, metadata
from reporting.outcomes.models import AreaAssessmentCount, ParticipantEntry
from reporting.survey_results.models import AnswerCount, RoundUnitTotal

__all__ = ["AnswerCount", "AreaAssessmentCount", "ParticipantEntry", "RoundUnitTotal", "UnitEntry", "inbox", "metadata"]
