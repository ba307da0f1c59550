from datetime import date

from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal
from insikt_common.contracts.catalogue import ASSESSMENT_CORRECTED, ASSESSMENT_RECORDED, EventSpec
from insikt_common.contracts.envelope import new_event, random_id
from insikt_common.contracts.outcome import AreaScore, AssessmentCorrected, AssessmentRecorded
from insikt_common.errors import NotFound, Unprocessable, field_error
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.assessments import repository
from outcome_api.assessments.models import Assessment, AssessmentRevision
from outcome_api.assessments.schemas import AssessmentCreate, AssessmentRead, AssessmentRevisionRead
from outcome_api.assessments.validation import score_errors
from outcome_api.audit import service as audit
from outcome_api.config import EVENT_SOURCE
from outcome_api.instruments import service as instruments
from outcome_api.instruments.models import Instrument
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
    participant = participants.get_or_raise(session, principal, participant_id)
    instrument = instruments.get_or_raise(session, participant.organisation_id, data.instrument_id)
    _check(instrument, data, today or clock.today())
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
    _emit(session, ASSESSMENT_RECORDED, assessment, participant.organisation_id, data)
    audit.record(session, principal, "assessment.record", participant.id)
    return to_read(assessment, data.scores)


def correct(
    session: Session,
    principal: Principal,
    participant_id: str,
    assessment_id: str,
    data: AssessmentCreate,
    *,
    today: date | None = None,
) -> AssessmentRead:
    """Replace an assessment's occasion, rater, date or scores; the replaced version is kept."""
    participant = participants.get_or_raise(session, principal, participant_id)
    assessment = get_or_raise(session, participant.id, assessment_id)
    if data.instrument_id != assessment.instrument_id:
        message = "a correction keeps the instrument; record a new assessment instead"
        raise Unprocessable([field_error("instrument_id", message)])
    instrument = instruments.get_or_raise(
        session, participant.organisation_id, assessment.instrument_id, assessment.instrument_version
    )
    today = today or clock.today()  # one day for the check and the replaced version, even at midnight
    _check(instrument, data, today)
    previous = repository.scores_of(session, [assessment.id])[assessment.id]
    repository.add_revision(
        session,
        AssessmentRevision(
            assessment_id=assessment.id,
            revision=assessment.revision,
            occasion=assessment.occasion,
            rater=assessment.rater,
            assessed_on=assessment.assessed_on,
            scores=previous,
            replaced_on=today,
        ),
    )
    assessment.occasion, assessment.rater, assessment.assessed_on = data.occasion, data.rater, data.assessed_on
    assessment.revision += 1
    repository.replace_scores(session, assessment, data.scores)
    _emit(session, ASSESSMENT_CORRECTED, assessment, participant.organisation_id, data)
    audit.record(session, principal, "assessment.correct", participant.id)
    return to_read(assessment, data.scores)


def list_for_participant(session: Session, principal: Principal, participant_id: str) -> list[AssessmentRead]:
    """The participant's assessments, oldest first."""
    participants.get_or_raise(session, principal, participant_id)
    audit.record(session, principal, "assessment.list", participant_id)
    assessments = repository.list_for_participant(session, participant_id)
    scores = repository.scores_of(session, [a.id for a in assessments])
    return [to_read(a, scores[a.id]) for a in assessments]


def revisions(
    session: Session, principal: Principal, participant_id: str, assessment_id: str
) -> list[AssessmentRevisionRead]:
    """The versions corrections replaced, oldest first."""
    participants.get_or_raise(session, principal, participant_id)
    assessment = get_or_raise(session, participant_id, assessment_id)
    audit.record(session, principal, "assessment.history", participant_id)
    return [AssessmentRevisionRead.model_validate(r.model_dump()) for r in repository.revisions(session, assessment.id)]


def get_or_raise(session: Session, participant_id: str, assessment_id: str) -> Assessment:
    assessment = repository.get(session, participant_id, assessment_id)
    if assessment is None:
        raise NotFound(f"assessment {assessment_id} not found")
    return assessment


def to_read(assessment: Assessment, scores: dict[str, float]) -> AssessmentRead:
    return AssessmentRead.model_validate(
        {**assessment.model_dump(), "scores": scores},
    )


def _check(instrument: Instrument, data: AssessmentCreate, today: date) -> None:
    errors = score_errors(instrument, data.scores)
    if data.assessed_on > today:
        errors.insert(0, field_error("assessed_on", "must not be in the future"))
    if errors:
        raise Unprocessable(errors)


def _emit(
    session: Session, spec: EventSpec, assessment: Assessment, organisation_id: str, data: AssessmentCreate
) -> None:
    payload_type = AssessmentCorrected if spec is ASSESSMENT_CORRECTED else AssessmentRecorded
    payload = payload_type(
        assessment_id=assessment.id,
        participant_id=assessment.participant_id,
        organisation_id=organisation_id,
        unit_id=assessment.unit_id,
        instrument_id=assessment.instrument_id,
        instrument_version=assessment.instrument_version,
        occasion=data.occasion,
        rater=data.rater,
        assessed_on=data.assessed_on,
        scores=[AreaScore(area=area, score=score) for area, score in data.scores.items()],
    )
    event = new_event(spec.type, EVENT_SOURCE, f"participant/{assessment.participant_id}", payload)
    add_to_outbox(session, outbox, spec, event)
