from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.db import SessionDep
from survey_api.access import service
from survey_api.access.gate import Gate, admit, in_turn
from survey_api.access.schemas import (
    CodesIssuedRead,
    CodesRequest,
    Credential,
    OpenLinkRead,
    SheetRequest,
    SurveyForRespondent,
    UnitParticipation,
)
from survey_api.auth import AdminDep, ReaderDep
from survey_api.rounds import service as rounds
from survey_api.units import service as units

router = APIRouter(tags=["access"])
public = APIRouter(tags=["responding"])


@router.post("/v1/rounds/{round_id}/units/{unit_id}/codes", status_code=status.HTTP_201_CREATED)
def issue_codes(
    round_id: str, unit_id: str, data: CodesRequest, session: SessionDep, principal: AdminDep
) -> CodesIssuedRead:
    """Generate one-time codes for a unit. They are shown only in this answer: keep or print them now."""
    return service.issue_codes(session, principal.organisation_id, round_id, unit_id, data.count)


@router.post(
    "/v1/rounds/{round_id}/units/{unit_id}/code-sheet",
    status_code=status.HTTP_201_CREATED,
    response_class=Response,
    responses={201: {"content": {"application/pdf": {}}, "description": "A4 sheet, one slip per new code"}},
)
def issue_code_sheet(
    *, round_id: str, unit_id: str, data: SheetRequest, session: SessionDep, principal: AdminDep, request: Request
) -> Response:
    """Generate codes and return them only as a printable PDF: one slip per code, with its QR code."""
    from survey_api.access.sheet import code_sheet  # here: reportlab costs each worker ~9 MB, and few print

    issued = service.issue_codes(session, principal.organisation_id, round_id, unit_id, data.count)
    survey_round = rounds.get_or_raise(session, round_id)
    pdf = code_sheet(
        issued.codes,
        title=survey_round.title,
        unit_name=units.get_or_raise(session, unit_id).name,
        respondent_url=request.app.state.settings.respondent_url,
    )
    disposition = f'attachment; filename="koder-{unit_id}.pdf"'
    return Response(pdf, status_code=201, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get("/v1/rounds/{round_id}/participation")
def get_participation(round_id: str, session: SessionDep, principal: ReaderDep) -> list[UnitParticipation]:
    """Per unit: codes handed out, codes used, responses and the response rate."""
    return service.participation(session, principal.organisation_id, round_id)


@router.get("/v1/rounds/{round_id}/links")
def list_open_links(round_id: str, session: SessionDep, principal: AdminDep, request: Request) -> list[OpenLinkRead]:
    """The open link of each unit (open-link rounds), to show at the unit."""
    url = request.app.state.settings.respondent_url
    return service.open_links(session, principal.organisation_id, round_id, url)


@public.post(
    "/v1/access",
    responses={
        404: {"description": "Unknown code or link"},
        409: {"description": "The code has already been used"},
        410: {"description": "The round is closed or not yet open"},
        429: {"description": "Too many wrong codes from this client"},
        503: {"description": "Too many respondents at once: try again after Retry-After"},
    },
)
async def fetch_survey(
    credential: Credential,
    request: Request,
    lang: Annotated[
        str | None, Query(max_length=35, description="Language tag, e.g. en; overrides Accept-Language")
    ] = None,
    accept_language: Annotated[str | None, Header(max_length=500)] = None,
) -> SurveyForRespondent:
    """The questionnaire a code or open link admits to, in the asked language (else Swedish).

    The code travels in the body, never in the URL, so it stays out of logs and browser history.
    """

    def fetch(session: Session, gate: Gate) -> SurveyForRespondent:
        admission = admit(session, gate, credential)
        rounds.ensure_accepting(admission.survey_round, clock.today())
        return service.survey_for(session, admission.survey_round, admission.unit(session), lang, accept_language)

    return await in_turn(request, fetch)
