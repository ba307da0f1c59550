"""Imports every table module, so the metadata is complete for migrations and tests."""

from outcome_api.assessments.models import Assessment, AssessmentRevision, AssessmentScore
from outcome_api.audit.models import AuditEvent
from outcome_api.goals.models import Goal, GoalChange
from outcome_api.instruments.rows import InstrumentArea, InstrumentVersion
from outcome_api.interventions.models import Intervention
from outcome_api.models import metadata, outbox
from outcome_api.participants.models import Participant
from outcome_api.units.models import Unit

__all__ = [
    "Assessment",
    "AssessmentRevision",
    "AssessmentScore",
    "AuditEvent",
    "Goal",
    "GoalChange",
    "InstrumentArea",
    "InstrumentVersion",
    "Intervention",
    "Participant",
    "Unit",
    "metadata",
    "outbox",
]
