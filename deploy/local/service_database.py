"""The database layout the services expect, made on a PostgreSQL server for tests and benchmarks.

One database; per service a schema owned by a login role of its own that migrates it, and the
login role the service runs as, which reaches nothing else and, once the prestart has granted it,
only that schema's rows (the same layout as deploy/postgres for docker-compose). Needs SQLAlchemy
and a superuser URL.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import create_engine, make_url, text

SERVICE_SCHEMAS = {"survey-api": "survey", "outcome-api": "outcome", "reporting": "reporting"}


@dataclass(frozen=True)
class ServiceDatabase:
    """One database, a schema, its owner and the service's role per service (as in production)."""

    admin_url: str
    name: str

    def url_for(self, service: str) -> str:
        """The service's own login (``<PREFIX>_DATABASE_URL``)."""
        return self._login(_role(service))

    def owner_url_for(self, service: str) -> str:
        """The login that owns the service's schema and migrates it (``<PREFIX>_MIGRATION_DATABASE_URL``)."""
        return self._login(_owner(service))

    def _login(self, role: str) -> str:
        return (
            make_url(self.admin_url)
            .set(database=self.name, username=role, password=role)
            .render_as_string(hide_password=False)
        )

    @property
    def admin_database_url(self) -> str:
        return make_url(self.admin_url).set(database=self.name).render_as_string(hide_password=False)


def _role(service: str) -> str:
    return f"insikt_{SERVICE_SCHEMAS[service]}"


def _owner(service: str) -> str:
    return f"{_role(service)}_owner"


def create_service_database(admin_url: str, name_prefix: str = "insikt_test") -> ServiceDatabase:
    """A fresh database whose service schemas are each owned by their owner role; the service's own
    role may only connect until a prestart grants it that schema's rows."""
    name = f"{name_prefix}_{secrets.token_hex(4)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        for role in [name(service) for service in SERVICE_SCHEMAS for name in (_role, _owner)]:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            if exists is None:
                conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{role}'"))
    engine.dispose()
    database = ServiceDatabase(admin_url, name)
    engine = create_engine(database.admin_database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
        conn.execute(text(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC'))
        for service, schema in SERVICE_SCHEMAS.items():
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{name}" TO {_role(service)}, {_owner(service)}'))
            conn.execute(text(f"CREATE SCHEMA {schema} AUTHORIZATION {_owner(service)}"))
    engine.dispose()
    return database


def serving_env(env: dict[str, str]) -> dict[str, str]:
    """The environment without the schema owner's login: only the prestart has it, as in production."""
    return {name: value for name, value in env.items() if not name.endswith("_MIGRATION_DATABASE_URL")}


def drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
