"""Who may do what: roles per kind of endpoint, and the scope every participant query is filtered by.

Participant-level data is visible to admins across their organisation and to managers, staff and
systems in the units their token names. Analysts see aggregates only, which live in reporting:
here they may read the instruments and nothing about a person. Anything outside the caller's
scope is not found (404), so an answer never confirms that a participant exists elsewhere.
"""

from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, and_, true

from insikt_common.auth import Principal, Role, require_roles
from insikt_common.errors import InsiktError

PARTICIPANT_ROLES = (Role.ADMIN, Role.MANAGER, Role.STAFF, Role.SYSTEM)
"""Roles that work with individual participants."""
ALL_ROLES = tuple(Role)

ParticipantWorker = Annotated[Principal, Depends(require_roles(*PARTICIPANT_ROLES))]
Administrator = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
AnyRole = Annotated[Principal, Depends(require_roles(*ALL_ROLES))]


class OutsideYourUnits(InsiktError):
    """Writing into a unit the caller does not work in; units are not secret, so this is a 403."""

    status_code = 403


def in_scope(
    principal: Principal, organisation_column: ColumnElement[str], unit_column: ColumnElement[str]
) -> ColumnElement[bool]:
    """The WHERE clause limiting rows to the caller's organisation and, unless org-wide, units."""
    organisation = organisation_column == principal.organisation_id
    if principal.has_any((Role.ADMIN,)):
        return and_(organisation, true())
    return and_(organisation, unit_column.in_(sorted(principal.unit_ids)))


def require_unit(principal: Principal, unit_id: str) -> None:
    """Refuse a write into a unit outside the caller's units."""
    if not principal.has_any((Role.ADMIN,)) and unit_id not in principal.unit_ids:
        raise OutsideYourUnits(f"unit {unit_id} is not one of your units")
