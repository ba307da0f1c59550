"""The door to a survey: a code or a link in, a round and a unit out, or 404/409/410/429."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from insikt_common.db import make_engine, make_sessions
from insikt_common.errors import Conflict, NotFound
from survey_api.access import service
from survey_api.access.schemas import Credential
from survey_api.access.throttle import Throttle
from survey_api.config import SCHEMA, Settings
from survey_api.load_shedding import IntakeLimiter
from survey_api.rounds import service as rounds
from survey_api.rounds.models import SurveyRound
from survey_api.units import service as units
from survey_api.units.models import Unit


@dataclass(frozen=True)
class Gate:
    wrong_credentials: Throttle
    """Wrong codes or links, per client address."""
    open_links: Throttle
    """Responses per open link."""
    client: str


@dataclass(frozen=True)
class Admission:
    survey_round: SurveyRound
    unit_id: str
    code: service.FoundCode | None
    link: str | None

    def unit(self, session: Session) -> Unit:
        """The unit answered for: a code's came with it, an open link's is read here."""
        return self.code.unit if self.code is not None else units.get_or_raise(session, self.unit_id)


T = TypeVar("T")


async def in_turn(request: Request, work: Callable[[Session, Gate], T]) -> T:
    """Run a respondent's ``work`` on one of the intake limiter's threads when its turn comes, in
    one transaction committed before the answer is sent."""
    state = request.app.state
    sessions: sessionmaker[Session] = state.sessions
    limiter: IntakeLimiter = state.intake_limiter
    gate = gate_of(request)

    def in_transaction() -> T:
        with sessions.begin() as session:
            return work(session, gate)

    return await limiter.run(in_transaction)


def gate_of(request: Request) -> Gate:
    """Never blocks: the throttles connect only when they count."""
    return Gate(*_throttles(request), client=request.client.host if request.client else "unknown")


def _throttles(request: Request) -> tuple[Throttle, Throttle]:
    """The app's two throttles, made once (they hold settings and a session factory, no state)."""
    state = request.app.state
    if getattr(state, "throttles", None) is None:
        # Counts that outlive the request's rollback use sessions outside the request pool.
        unpooled = make_sessions(make_engine(state.settings.database_url, SCHEMA, pooled=False))
        state.throttles = _make_throttles(state.settings, unpooled)
    throttles: tuple[Throttle, Throttle] = state.throttles
    return throttles


def _make_throttles(settings: Settings, sessions: sessionmaker[Session]) -> tuple[Throttle, Throttle]:
    return (
        Throttle(
            sessions,
            limit=settings.code_attempt_limit,
            window_s=settings.code_attempt_window_s,
            what="wrong codes",
            key=settings.client_key,
        ),
        Throttle(
            sessions,
            limit=settings.open_link_limit,
            window_s=settings.open_link_window_s,
            what="responses on this link",
            key=settings.client_key,
        ),
    )


def admit(session: Session, gate: Gate, credential: Credential) -> Admission:
    """Who may answer what. Every unknown code or link counts against the client's address."""
    client = f"client:{gate.client}"
    wrong = gate.wrong_credentials
    if credential.code is not None:
        code = service.find_code(session, credential.code, wrong.stored(client))
        if code is None:
            wrong.ensure_allowed(session, client)
            wrong.count_apart(client)
            raise NotFound("unknown code")
        wrong.ensure_within(code.counter)
        if code.used:
            raise Conflict("this code has already been used")
        return Admission(code.survey_round, code.unit_id, code, None)
    wrong.ensure_allowed(session, client)
    link = service.find_link(session, credential.link or "")
    if link is None:
        wrong.count_apart(client)
        raise NotFound("unknown link")
    gate.open_links.ensure_allowed(session, f"link:{link.link_token}")
    return Admission(rounds.get_or_raise(session, link.round_id), link.unit_id, None, link.link_token)
