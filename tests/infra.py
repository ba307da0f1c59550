"""Real PostgreSQL and Kafka for the tests, found or started the way the README says.

Order of preference, for each of the two: an address in the environment
(``INSIKT_TEST_DATABASE_URL``, a superuser URL; ``INSIKT_TEST_KAFKA_BOOTSTRAP``), then
testcontainers when a Docker engine answers, then local processes from ``deploy/local``.
A service that cannot be had is an error, never a skip.
"""

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import kafka_broker  # noqa: E402
import pg_cluster  # noqa: E402

USED: dict[str, str] = {}
"""Which real servers this run used, for the closing summary."""

SERVICE_SCHEMAS = {"survey-api": "survey", "outcome-api": "outcome", "reporting": "reporting"}


class Broker(Protocol):
    bootstrap: str

    def stop(self) -> None: ...
    def start(self) -> None: ...


def docker_engine_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


@contextmanager
def postgres_server(work_dir: Path) -> Iterator[str]:
    """Yields a superuser SQLAlchemy URL."""
    if url := os.environ.get("INSIKT_TEST_DATABASE_URL"):
        USED["PostgreSQL"] = f"from INSIKT_TEST_DATABASE_URL ({make_url(url).host})"
        yield url
    elif docker_engine_available():
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-untyped]

        with PostgresContainer("postgres:16-alpine", driver="psycopg") as container:
            USED["PostgreSQL"] = "testcontainers postgres:16-alpine"
            yield container.get_connection_url()
    else:
        cluster = pg_cluster.PostgresCluster(work_dir / "postgres")
        cluster.start()
        USED["PostgreSQL"] = f"local cluster from deploy/local ({pg_cluster.find_pg_bin()}, port {cluster.port})"
        try:
            yield cluster.url
        finally:
            cluster.stop()


@contextmanager
def kafka_server(work_dir: Path) -> Iterator[Broker | str]:
    """Yields a broker the tests may stop and start, or only a bootstrap address when external."""
    if bootstrap := os.environ.get("INSIKT_TEST_KAFKA_BOOTSTRAP"):
        USED["Kafka"] = f"from INSIKT_TEST_KAFKA_BOOTSTRAP ({bootstrap})"
        yield bootstrap
    elif docker_engine_available():
        from testcontainers.kafka import KafkaContainer  # type: ignore[import-untyped]

        with KafkaContainer().with_kraft() as container:
            USED["Kafka"] = "testcontainers KRaft broker"
            yield container.get_bootstrap_server()
    else:
        yield from _local_broker(work_dir / "kafka")


def _local_broker(run_dir: Path) -> Iterator[Broker]:
    broker = kafka_broker.KafkaBroker(run_dir)
    broker.start()
    version = kafka_broker.kafka_version()
    USED.setdefault("Kafka", f"local KRaft broker {version} from deploy/local ({broker.bootstrap})")
    try:
        yield broker
    finally:
        broker.stop()


local_kafka_broker = contextmanager(_local_broker)


@dataclass(frozen=True)
class ServiceDatabase:
    """One database for a test run, a schema and a login role per service (as in production)."""

    admin_url: str
    name: str

    def url_for(self, service: str) -> str:
        role = _role(service)
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


def create_service_database(admin_url: str) -> ServiceDatabase:
    """A fresh database whose service schemas are each owned by, and only usable by, their role."""
    name = f"insikt_test_{secrets.token_hex(4)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        for service in SERVICE_SCHEMAS:
            role = _role(service)
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
            role = _role(service)
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{name}" TO {role}'))
            conn.execute(text(f"CREATE SCHEMA {schema} AUTHORIZATION {role}"))
    engine.dispose()
    return database


def drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def bootstrap_of(server: Any) -> str:
    return server if isinstance(server, str) else server.bootstrap
