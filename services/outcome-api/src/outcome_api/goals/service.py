from datetime import date

from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal
from insikt_common.contracts.catalogue import GOAL_SET, GOAL_UPDATED, EventSpec
from insikt_common.contracts.envelope import new_event, random_id
from insikt_common.contracts.outcome import GoalChanged, GoalStatus
from insikt_common.errors import NotFound, Unprocessable
from insikt_common.messaging.outbox import add_to_outbox
from outcome_api.audit import service as audit
from outcome_api.config import EVENT_SOURCE
from outcome_api.goals import repository
from outcome_api.goals.models import Goal, GoalChange
from outcome_api.goals.rules import change_errors, level_errors
from outcome_api.goals.schemas import GoalChangeRead, GoalCreate, GoalRead, GoalUpdate
from outcome_api.instruments import repository as instrument_repository
from outcome_api.models import outbox
from outcome_api.participants import service as participants
from outcome_api.participants.personnummer import free_text_errors


def set_goal(
    session: Session, principal: Principal, participant_id: str, data: GoalCreate, *, today: date | None = None
) -> GoalRead:
    """A new active goal at the participant's unit, its first history entry and GOAL_SET."""
    participant = participants.get_or_raise(session, principal, participant_id)
    errors = level_errors(data.levels)
    texts = {"description": data.description, "baseline": data.baseline, "target": data.target}
    texts.update({f"levels.{level}": text for level, text in data.levels.items()})
    errors.extend(free_text_errors(texts))
    if data.area is not None and data.area not in _known_areas(session, participant.organisation_id):
        errors.append({"field": "area", "message": "not an area of any instrument you use"})
    if data.set_on > (today or clock.today()):
        errors.insert(0, {"field": "set_on", "message": "must not be in the future"})
    if errors:
        raise Unprocessable(errors)
    goal = Goal(
        id=random_id(), participant_id=participant.id, unit_id=participant.unit_id, status="active", **data.model_dump()
    )
    repository.add(session, goal)
    session.flush()
    change = GoalChange(goal_id=goal.id, seq=1, changed_on=data.set_on, attainment=None, status="active")
    repository.add_change(session, change)
    _emit(session, GOAL_SET, goal, participant.organisation_id, data.set_on)
    audit.record(session, principal, "goal.set", participant.id)
    return to_read(goal, [change])


def update_goal(
    session: Session,
    principal: Principal,
    participant_id: str,
    goal_id: str,
    data: GoalUpdate,
    *,
    today: date | None = None,
) -> GoalRead:
    """Rate the goal's attainment and/or change its status; the earlier ratings stay in its history."""
    participant = participants.get_or_raise(session, principal, participant_id)
    goal = repository.get(session, participant.id, goal_id)
    if goal is None:
        raise NotFound(f"goal {goal_id} not found")
    history = repository.history(session, [goal.id])[goal.id]
    errors = change_errors(goal.set_on, history[-1].changed_on, data.changed_on, today=today or clock.today())
    if errors:
        raise Unprocessable(errors)
    goal.attainment, goal.status = data.attainment, data.status
    change = GoalChange(
        goal_id=goal.id,
        seq=history[-1].seq + 1,
        changed_on=data.changed_on,
        attainment=data.attainment,
        status=data.status,
    )
    repository.add_change(session, change)
    _emit(session, GOAL_UPDATED, goal, participant.organisation_id, data.changed_on)
    audit.record(session, principal, "goal.update", participant.id)
    return to_read(goal, [*history, change])


def list_for_participant(session: Session, principal: Principal, participant_id: str) -> list[GoalRead]:
    participants.get_or_raise(session, principal, participant_id)
    audit.record(session, principal, "goal.list", participant_id)
    goals = repository.list_for_participant(session, participant_id)
    history = repository.history(session, [g.id for g in goals])
    return [to_read(g, history[g.id]) for g in goals]


def _known_areas(session: Session, organisation_id: str) -> set[str]:
    return {a.code for i in instrument_repository.list_latest(session, organisation_id) for a in i.areas}


def to_read(goal: Goal, history: list[GoalChange]) -> GoalRead:
    return GoalRead.model_validate(
        {
            **goal.model_dump(),
            "history": [
                GoalChangeRead(changed_on=c.changed_on, attainment=c.attainment, status=_status(c.status))
                for c in history
            ],
        }
    )


def _status(value: str) -> GoalStatus:
    return value  # type: ignore[return-value]


def _emit(session: Session, spec: EventSpec, goal: Goal, organisation_id: str, changed_on: date) -> None:
    payload = GoalChanged(
        goal_id=goal.id,
        participant_id=goal.participant_id,
        organisation_id=organisation_id,
        unit_id=goal.unit_id,
        area=goal.area,
        weight=goal.weight,
        attainment=goal.attainment,
        status=_status(goal.status),
        changed_on=changed_on,
    )
    event = new_event(spec.type, EVENT_SOURCE, f"participant/{goal.participant_id}", payload)
    add_to_outbox(session, outbox, spec, event)
