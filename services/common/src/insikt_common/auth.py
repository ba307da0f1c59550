"""Who is calling: JWT bearer tokens from the municipality's identity provider.

Production verifies RS256 (or ES256) signatures against the provider's JWKS. A shared HS256
secret is accepted only when the service runs in ``development`` or ``test``. Claims:

- ``sub``: the user or system
- ``org``: the organisation (municipality or provider) every query is scoped to
- ``roles``: any of admin, analyst, manager, staff, system
- ``units``: the unit ids a manager or staff member works with (admins and analysts see the
  whole organisation)

Mint a development token: ``python -m insikt_common.auth --secret S --org demo-org --roles admin``.
"""

import argparse
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from insikt_common.errors import InsiktError
from insikt_common.settings import ServiceSettings


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    MANAGER = "manager"
    STAFF = "staff"
    SYSTEM = "system"


ORGANISATION_WIDE = frozenset({Role.ADMIN, Role.ANALYST})


class Unauthorized(InsiktError):
    status_code = 401


class Forbidden(InsiktError):
    status_code = 403


@dataclass(frozen=True)
class Principal:
    subject: str
    organisation_id: str
    roles: frozenset[Role]
    unit_ids: frozenset[str]

    def has_any(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)

    def sees_unit(self, unit_id: str) -> bool:
        """Admins and analysts see every unit of their organisation; others their own units."""
        return self.has_any(ORGANISATION_WIDE) or unit_id in self.unit_ids


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.auth_jwks_url, cache_keys=True) if settings.auth_jwks_url else None

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                key=self._key_for(token),
                algorithms=self._algorithms(),
                audience=self._settings.auth_audience,
                issuer=self._settings.auth_issuer,
                options={"require": ["exp", "sub", "org"], "verify_aud": self._settings.auth_audience is not None},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid bearer token: {exc}") from exc
        return _principal(claims)

    def _algorithms(self) -> list[str]:
        return ["RS256", "ES256"] if self._jwks is not None else ["HS256"]

    def _key_for(self, token: str) -> Any:
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key
        if self._settings.environment == "production" or not self._settings.auth_dev_secret:
            raise Unauthorized("no token verification is configured (set AUTH_JWKS_URL)")
        return self._settings.auth_dev_secret


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        roles = frozenset(Role(r) for r in claims.get("roles", []))
    except ValueError as exc:
        raise Unauthorized(f"invalid bearer token: unknown role ({exc})") from exc
    units = claims.get("units", [])
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        raise Unauthorized("invalid bearer token: units must be a list of unit ids")
    return Principal(
        subject=str(claims["sub"]), organisation_id=str(claims["org"]), roles=roles, unit_ids=frozenset(units)
    )


_bearer = HTTPBearer(auto_error=False, description="A JWT from the organisation's identity provider")


def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None:
        raise Unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only callers with one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(allowed):
            raise Forbidden(f"requires one of the roles: {', '.join(sorted(allowed))}")
        return principal

    return check


def mint_token(
    secret: str,
    *,
    subject: str,
    organisation_id: str,
    roles: Iterable[str],
    unit_ids: Iterable[str] = (),
    lifetime_s: int = 8 * 3600,
) -> str:
    """A development token signed with the shared secret (never accepted in production)."""
    now = int(time.time())
    claims = {
        "sub": subject,
        "org": organisation_id,
        "roles": list(roles),
        "units": list(unit_ids),
        "iat": now,
        "exp": now + lifetime_s,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def main() -> None:
    parser = argparse.ArgumentParser(description="Mint a development bearer token (HS256).")
    parser.add_argument("--secret", default="dev-only-auth-secret-never-in-production")
    parser.add_argument("--org", default="demo-org")
    parser.add_argument("--sub", default="developer")
    parser.add_argument("--roles", default="admin", help="comma-separated")
    parser.add_argument("--units", default="", help="comma-separated unit ids")
    args = parser.parse_args()
    print(
        mint_token(
            args.secret,
            subject=args.sub,
            organisation_id=args.org,
            roles=[r for r in args.roles.split(",") if r],
            unit_ids=[u for u in args.units.split(",") if u],
        )
    )


if __name__ == "__main__":
    main()
