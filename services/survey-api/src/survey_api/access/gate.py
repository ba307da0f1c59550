"""The door to a survey: a code or a link in, a round and a unit out, or 404/409/410/429."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from insikt_common.errors import Conflict, NotFound
from survey_api.access import service
from survey_api.access.models import AccessCode
from survey_api.access.schemas import Credential
from survey_api.access.throttle import Throttle
from survey_api.rounds import service as rounds
from survey_api.rounds.models import SurveyRound


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
    code: AccessCode | None
    link: str | None


def gate(request: Request) -> Gate:
    settings = request.app.state.settings
    sessions = request.app.state.sessions
    return Gate(
        wrong_credentials=Throttle(
            sessions, limit=settings.code_attempt_limit, window_s=settings.code_attempt_window_s, what="wrong codes"
        ),
        open_links=Throttle(
            sessions,
            limit=settings.open_link_limit,
            window_s=settings.open_link_window_s,
            what="responses on this link",
        ),
        client=request.client.host if request.client else "unknown",
    )


GateDep = Annotated[Gate, Depends(gate)]


def admit(session: Session, gate: Gate, credential: Credential) -> Admission:
    """Who may answer what. Every unknown code or link counts against the client's address."""
    client = f"client:{gate.client}"
    gate.wrong_credentials.ensure_allowed(client)
    if credential.code is not None:
        code = service.find_code(session, credential.code)
        if code is None:
            gate.wrong_credentials.count(client)
            raise NotFound("unknown code")
        survey_round = rounds.get_or_raise(session, code.round_id)
        if code.used:
            raise Conflict("this code has already been used")
        return Admission(survey_round, code.unit_id, code, None)
    link = service.find_link(session, credential.link or "")
    if link is None:
        gate.wrong_credentials.count(client)
        raise NotFound("unknown link")
    gate.open_links.ensure_allowed(f"link:{link.link_token}")
    return Admission(rounds.get_or_raise(session, link.round_id), link.unit_id, None, link.link_token)
