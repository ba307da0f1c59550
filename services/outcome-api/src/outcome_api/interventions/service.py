from datetime import date

from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal
from insikt_common.contracts.catalogue import INTERVENTION_ENDED, INTERVENTION_STARTED
from insikt_common.contracts.envelope import new_event, random_id
from insikt_common.contracts.outcome import Ending, InterventionEnded, InterventionStarted
from insikt_common.errors import Conflict, Unprocessable
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.access import require_unit
from outcome_api.audit import service as audit
from outcome_api.config import EVENT_SOURCE
from outcome_api.interventions import repository
from outcome_api.interventions.models import Intervention
from outcome_api.interventions.rules import intervention_errors
from outcome_api.interventions.schemas import InterventionRead, InterventionUpsert
from outcome_api.models import outbox
from outcome_api.participants import service as participants
from outcome_api.participants.personnummer import free_text_errors
from outcome_api.units import service as units


def upsert(
    session: Session,
    principal: Principal,
    participant_id: str,
    external_reference: str,
    data: InterventionUpsert,
    *,
    today: date | None = None,
) -> tuple[InterventionRead, bool]:
    """Create or update the intervention the case system calls ``external_reference``; returns it
    and whether it is new. Sending the same description again changes nothing and emits nothing."""
    participant = participants.get_or_raise(session, principal, participant_id)
    require_unit(principal, data.unit.id)
    errors = free_text_errors({"external_reference": external_reference, "kind": data.kind})
    errors += intervention_errors(data.started_on, data.ended_on, data.ending, today=today or clock.today())
    if errors:
        raise Unprocessable(errors)
    unit = units.upsert(session, data.unit, principal.organisation_id)
    session.flush()

    intervention = repository.find(session, principal.organisation_id, external_reference)
    created = intervention is None
    if intervention is None:
        intervention = Intervention(
            id=random_id(),
            organisation_id=principal.organisation_id,
            external_reference=external_reference,
            participant_id=participant.id,
            unit_id=unit.id,
            kind=data.kind,
            referring_municipality_code=data.referring_municipality_code,
            started_on=data.started_on,
        )
        repository.add(session, intervention)
    elif intervention.participant_id != participant.id:
        raise Conflict(f"intervention {external_reference} belongs to another participant")
    start = (unit.id, data.kind, data.referring_municipality_code, data.started_on)
    started_changed = created or start != (
        intervention.unit_id,
        intervention.kind,
        intervention.referring_municipality_code,
        intervention.started_on,
    )
    ended_changed = (data.ended_on, data.ending) != (intervention.ended_on, intervention.ending)
    intervention.unit_id, intervention.kind, intervention.referring_municipality_code = start[:3]
    intervention.started_on = data.started_on
    intervention.ended_on, intervention.ending = data.ended_on, data.ending
    session.flush()

    if started_changed:
        _emit_started(session, intervention)
    if ended_changed and intervention.ended_on is not None:
        _emit_ended(session, intervention)
    audit.record(session, principal, "intervention.upsert", participant.id)
    return to_read(intervention), created


def list_for_participant(session: Session, principal: Principal, participant_id: str) -> list[InterventionRead]:
    participants.get_or_raise(session, principal, participant_id)
    audit.record(session, principal, "intervention.list", participant_id)
    return [to_read(i) for i in repository.list_for_participant(session, participant_id)]


def to_read(intervention: Intervention) -> InterventionRead:
    return InterventionRead.model_validate(intervention.model_dump())


def _emit_started(session: Session, intervention: Intervention) -> None:
    payload = InterventionStarted(
        intervention_id=intervention.id,
        participant_id=intervention.participant_id,
        organisation_id=intervention.organisation_id,
        unit_id=intervention.unit_id,
        kind=intervention.kind,
        referring_municipality_code=intervention.referring_municipality_code,
        started_on=intervention.started_on,
    )
    subject = f"participant/{intervention.participant_id}"
    add_to_outbox(
        session, outbox, INTERVENTION_STARTED, new_event(INTERVENTION_STARTED.type, EVENT_SOURCE, subject, payload)
    )


def _emit_ended(session: Session, intervention: Intervention) -> None:
    assert intervention.ended_on is not None and intervention.ending is not None
    ending: Ending = intervention.ending  # type: ignore[assignment]
    payload = InterventionEnded(
        intervention_id=intervention.id,
        participant_id=intervention.participant_id,
        organisation_id=intervention.organisation_id,
        unit_id=intervention.unit_id,
        started_on=intervention.started_on,
        ended_on=intervention.ended_on,
        ending=ending,
    )
    subject = f"participant/{intervention.participant_id}"
    add_to_outbox(
        session, outbox, INTERVENTION_ENDED, new_event(INTERVENTION_ENDED.type, EVENT_SOURCE, subject, payload)
    )
