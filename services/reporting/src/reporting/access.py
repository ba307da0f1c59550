"""Who may read which report.

Admins and analysts read every report of their organisation, managers the reports of their own
units. A round its organisation has made public can be read without a token (aggregates only: no
comments). Out of scope answers 404, as if the report did not exist.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from insikt_common.auth import ORGANISATION_WIDE, Principal, Role
from insikt_common.errors import NotFound

_bearer = HTTPBearer(auto_error=False, description="A JWT from the organisation's identity provider")


def optional_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    """The caller, or None without a token (a bad token is still a 401)."""
    if credentials is None:
        return None
    principal: Principal = request.app.state.token_verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def sees_organisation(principal: Principal, organisation_id: str | None) -> bool:
    """Data whose organisation is not known yet is shown to admins only."""
    if organisation_id is None:
        return Role.ADMIN in principal.roles
    return principal.organisation_id == organisation_id


def check_unit(principal: Principal | None, organisation_id: str | None, unit_id: str, public: bool) -> None:
    if principal is None:
        if public:
            return
        raise NotFound("no such report")
    if not sees_organisation(principal, organisation_id) or not principal.sees_unit(unit_id):
        raise NotFound("no such report")


def check_roll_up(principal: Principal | None, organisation_id: str | None, public: bool) -> None:
    """Roll-ups over several units: the organisation's admins and analysts, or anyone when public."""
    if principal is None:
        if public:
            return
        raise NotFound("no such report")
    if not sees_organisation(principal, organisation_id) or not principal.has_any(ORGANISATION_WIDE):
        raise NotFound("no such report")
