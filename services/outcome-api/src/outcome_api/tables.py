"""Imports every table module, so the metadata is complete for migrations and tests."""

from outcome_api.assessments.models import Assessment, AssessmentScore
from outcome_api.audit.models import AuditEvent
from outcome_api.models import metadata, outbox
from outcome_api.participants.models import Participant
from outcome_api.units.models import Unit

__all__ = ["Assessment", "AssessmentScore", "AuditEvent", "Participant", "Unit", "metadata", "outbox"]
