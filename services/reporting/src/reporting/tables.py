"""Imports every table module, so the metadata is complete for migrations and tests."""

from reporting.benchmarks.models import BenchmarkMapping, KoladaValue
from reporting.directory.models import UnitEntry
from reporting.models import inbox, metadata
from reporting.outcomes.models import (
    AssessmentEntry,
    ErasedParticipant,
    GoalEntry,
    InstrumentEntry,
    InterventionEntry,
    ParticipantEntry,
)
from reporting.survey_results.models import (
    AnswerCount,
    BackgroundTally,
    CodesIssuedCount,
    Comment,
    QuestionnaireVersion,
    ResponseEntry,
    RoundEntry,
    RoundPublication,
    RoundUnitTotal,
)

EVENT_BUILT = (
    UnitEntry,
    QuestionnaireVersion,
    RoundEntry,
    RoundUnitTotal,
    CodesIssuedCount,
    AnswerCount,
    BackgroundTally,
    ResponseEntry,
    Comment,
    ParticipantEntry,
    ErasedParticipant,
    InstrumentEntry,
    AssessmentEntry,
    InterventionEntry,
    GoalEntry,
)
"""The read models a rebuild empties and fills again from the topics (with the inbox)."""

KEPT_ON_REBUILD = (RoundPublication, KoladaValue, BenchmarkMapping)
"""Set through the API, not built from events."""

__all__ = ["EVENT_BUILT", "KEPT_ON_REBUILD", "inbox", "metadata"]
