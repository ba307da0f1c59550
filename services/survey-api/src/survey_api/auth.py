"""Who may call the administrative endpoints: admins write, admins and analysts read.

Everything administrative belongs to the caller's organisation (the token's ``org`` claim); asking
for another organisation's questionnaire, unit or round answers 404, exactly as if it did not exist.
"""

from typing import Annotated

from fastapi import Depends

from insikt_common.auth import Principal, Role, require_roles

AdminDep = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
ReaderDep = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.ANALYST))]
