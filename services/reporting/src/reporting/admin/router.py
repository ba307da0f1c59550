from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from insikt_common.auth import Principal, Role, require_roles
from reporting.admin.rebuild import rebuild

router = APIRouter(prefix="/v1/admin", tags=["administration"])

AdminDep = Annotated[Principal, Depends(require_roles(Role.ADMIN))]


class RebuildRead(BaseModel):
    consumer_group: str
    events_read: int


@router.post("/rebuild")
def rebuild_read_models(request: Request, _admin: AdminDep) -> RebuildRead:
    """Empty the read models and apply every event again from the beginning of the topics.

    Answers when the topics have been quiet for a few seconds; reports read meanwhile are partial.
    """
    from reporting.main import CONSUMER  # the handlers live with the app definition

    state = request.app.state
    result = rebuild(state.sessions, state.bus, CONSUMER, quiet_s=state.settings.rebuild_quiet_s, batch_size=500)
    return RebuildRead(consumer_group=result.consumer_group, events_read=result.events_read)
