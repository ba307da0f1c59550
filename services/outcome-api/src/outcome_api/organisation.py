"""Which organisation a request acts for; every query on individual-level data is scoped to it.

Until authentication arrives (a later issue), every request acts for the one organisation named in
the settings. Then the bearer token's organisation replaces it here, and nowhere else changes.
"""

from typing import Annotated

from fastapi import Depends, Request


def current_organisation(request: Request) -> str:
    organisation_id: str = request.app.state.settings.organisation_id
    return organisation_id


OrganisationDep = Annotated[str, Depends(current_organisation)]
