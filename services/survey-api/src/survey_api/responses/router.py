from typing import Any

from fastapi import APIRouter, Request, Response, status

from insikt_common.db import SessionDep
from survey_api.access.gate import in_turn
from survey_api.auth import AdminDep
from survey_api.responses import service
from survey_api.responses.schemas import Receipt, ResponseSubmit

router = APIRouter(prefix="/v1/responses", tags=["responding"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The same submission was already received; same receipt", "model": Receipt},
        404: {"description": "Unknown code or link, or not the round or unit it belongs to"},
        409: {"description": "Code already used, or submission id already used with other content"},
        410: {"description": "Round closed or not yet open"},
        413: {"description": "Body too large"},
        422: {"description": "Invalid answers, one message per item"},
        429: {"description": "Too many wrong codes from this client, or too many responses on this link"},
        503: {"description": "Too many respondents at once: send the same submission again after Retry-After"},
    },
)
async def submit_response(data: ResponseSubmit, request: Request, response: Response) -> Receipt:
    """Submit an anonymous response with a one-time code or an open link.

    Resending the same ``submission_id`` with the same answers returns the same receipt. When more
    respondents answer at once than the service can take, the answer is 503 with ``Retry-After``:
    send the same submission again after that many seconds.
    """
    max_text = request.app.state.settings.max_free_text_chars
    receipt, created = await in_turn(
        request, lambda session, gate: service.submit(session, data, gate, max_text=max_text)
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return receipt


@router.get("/fhir", tags=["responses"])
def export_fhir_responses(round_id: str, session: SessionDep, principal: AdminDep) -> dict[str, Any]:
    """Every response of a round as FHIR QuestionnaireResponses (a Bundle); dates only, random ids."""
    return service.export_fhir(session, principal.organisation_id, round_id)
