from fastapi import APIRouter, Request, Response, status

from insikt_common.db import SessionDep
from survey_api.responses import service
from survey_api.responses.schemas import Receipt, ResponseSubmit

router = APIRouter(prefix="/v1/responses", tags=["responses"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The same submission was already received; same receipt", "model": Receipt},
        404: {"description": "Unknown round, or unit not in the round"},
        409: {"description": "Submission id already used with other content"},
        410: {"description": "Round closed or not yet open"},
        422: {"description": "Invalid answers, one message per item"},
    },
)
def submit_response(data: ResponseSubmit, session: SessionDep, request: Request, response: Response) -> Receipt:
    """Submit an anonymous response. Resending the same ``submission_id`` returns the same receipt."""
    receipt, created = service.submit(session, data, max_text=request.app.state.settings.max_free_text_chars)
    if not created:
        response.status_code = status.HTTP_200_OK
    return receipt
