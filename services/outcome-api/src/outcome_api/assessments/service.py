from datetime import date

from sqlalchemy.orm import Session

from insikt_common.auth import Principal
from insikt_common.contracts.catalogue import ASSESSMENT_RECORDED
from insikt_common.contracts.envelope import new_event, random_id
from insikt_common.contracts.outcome import AreaScore, AssessmentRecorded
from insikt_common.errors import Unprocessable, field_error
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.assessments import repository
from outcome_api.assessments.models import Assessment
from outcome_api.assessments.schemas import AssessmentCreate, AssessmentRead
from outcome_api.assessments.validation import score_errors
from outcome_api.audit import service as audit
from outcome_api.config import EVENT_SOURCE
from outcome_api.instruments import service as instruments
from outcome_api.models import outbox
from outcome_api.participants import service as participants


def record(
    session: Session,
    principal: Principal,
    participant_id: str,
    data: AssessmentCreate,
    *,
    today: date | None = None,
) -> AssessmentRead:
    """Store an assessment, one row per score, and its event in the caller's transaction."""
    today = today or date.today()
    participant = participants.get_or_raise(session, principal, participant_id)
    instrument = instruments.get_or_raise(data.instrument_id)
    errors = score_errors(instrument, data.scores)
    if data.assessed_on > today:
        errors.insert(0, field_error("assessed_on", "must not be in the future"))
    if errors:
        raise Unprocessable(errors)

    assessment = Assessment(
        id=random_id(),
        participant_id=participant.id,
        unit_id=participant.unit_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        occasion=data.occasion,
        rater=data.rater,
        assessed_on=data.assessed_on,
    )
    repository.add(session, assessment, data.scores)

    payload = AssessmentRecorded(
        assessment_id=assessment.id,
        participant_id=participant.id,
        organisation_id=participant.organisation_id,
        unit_id=assessment.unit_id,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        occasion=data.occasion,
        rater=data.rater,
        assessed_on=data.assessed_on,
        scores=[AreaScore(area=area, score=score) for area, score in data.scores.items()],
    )
    event = new_event(ASSESSMENT_RECORDED.type, EVENT_SOURCE, f"participant/{participant.id}", payload)
    add_to_outbox(session, outbox, ASSESSMENT_RECORDED, event)
    audit.record(session, principal, "assessment.record", participant.id)
    return to_read(assessment, data.scores)


def list_for_participant(session: Session, principal: Principal, participant_id: str) -> list[AssessmentRead]:
    """The participant's assessments, oldest first."""
    participants.get_or_raise(session, principal, participant_id)
    audit.record(session, principal, "assessment.list", participant_id)
    assessments = repository.list_for_participant(session, participant_id)
    scores = repository.scores_of(session, [a.id for a in assessments])
    return [to_read(a, scores[a.id]) for a in assessments]


def to_read(assessment: Assessment, scores: dict[str, float]) -> AssessmentRead:
    return AssessmentRead.model_validate(
        {**assessment.model_dump(), "scores": scores},
    )
