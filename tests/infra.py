"""Real PostgreSQL and Kafka for the tests, found or started the way the README says.

Order of preference, for each of the two: an address in the environment
(``INSIKT_TEST_DATABASE_URL``, a superuser URL; ``INSIKT_TEST_KAFKA_BOOTSTRAP``), then
testcontainers when a Docker engine answers, then local processes from ``deploy/local``.
A service that cannot be had is an error, never a skip.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, make_url

from insikt_common.db import make_engine
from outcome_api import prestart as outcome_prestart
from reporting import prestart as reporting_prestart
from survey_api import prestart as survey_prestart

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import kafka_broker  # noqa: E402
import pg_cluster  # noqa: E402
from service_database import (  # noqa: E402
    SERVICE_SCHEMAS,
    ServiceDatabase,
    create_service_database,
    drop_database,
    serving_env,
)

__all__ = [
    "SERVICE_SCHEMAS",
    "USED",
    "Broker",
    "ServiceDatabase",
    "bootstrap_of",
    "create_service_database",
    "drop_database",
    "kafka_server",
    "local_kafka_broker",
    "migrate",
    "migrated_engine",
    "postgres_server",
    "serving_env",
]

PRESTARTS = {"survey-api": survey_prestart, "outcome-api": outcome_prestart, "reporting": reporting_prestart}

USED: dict[str, str] = {}
"""Which real servers this run used, for the closing summary."""


class Broker(Protocol):
    bootstrap: str

    def stop(self) -> None: ...
    def start(self) -> None: ...


def docker_engine_available() -> bool:
    try:
        import docker

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
        from testcontainers.postgres import PostgresContainer

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
        from testcontainers.kafka import KafkaContainer

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


def migrate(database: ServiceDatabase, service: str) -> None:
    """What ``service``'s prestart does: migrate to head as the schema's owner, grant the service's role its rows."""
    PRESTARTS[service].migrate(database.url_for(service), owner_url=database.owner_url_for(service))


@contextmanager
def migrated_engine(database: ServiceDatabase, service: str) -> Iterator[Engine]:
    """An engine on ``service``'s schema, logged in as its role, migrated to head by its prestart."""
    migrate(database, service)
    engine = make_engine(database.url_for(service), SERVICE_SCHEMAS[service])
    try:
        yield engine
    finally:
        engine.dispose()


def bootstrap_of(server: Any) -> str:
    return server if isinstance(server, str) else server.bootstrap
