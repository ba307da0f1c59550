"""The app factory every service uses: engines, bus, relay and consumers live in the lifespan.

Nothing connects at import time; everything is built from the settings handed to ``build_app``.
"""

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from prometheus_client import Gauge
from sqlalchemy import Engine, Table, event
from sqlalchemy.orm import Session, sessionmaker

from insikt_common.auth import TokenVerifier
from insikt_common.db import make_engine, make_sessions
from insikt_common.errors import install_error_handlers
from insikt_common.messaging.bus import MessageBus
from insikt_common.messaging.consumer import BatchHandler, EventConsumer, Handler
from insikt_common.messaging.kafka_bus import KafkaBus
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.messaging.outbox import OUTBOX_PENDING
from insikt_common.messaging.relay import OutboxRelay
from insikt_common.observability import (
    ReadinessCheck,
    RequestContextMiddleware,
    configure_logging,
    health_router,
)
from insikt_common.settings import ServiceSettings

log = logging.getLogger(__name__)

OUTBOX_BACKLOG = Gauge("insikt_outbox_backlog", "Outbox rows not yet published", ["service"])


@dataclass(frozen=True)
class ConsumerSpec:
    group: str
    topics: Sequence[str]
    handlers: Mapping[str, Handler]
    inbox: Table
    batch_handlers: Mapping[str, BatchHandler] = field(default_factory=dict)
    """Optional faster equivalents of some handlers for runs of events of one type."""


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    schema: str
    routers: Sequence[APIRouter]
    outbox: Table | None = None
    consumer: ConsumerSpec | None = None
    openapi_tags: list[dict[str, str]] = field(default_factory=list)


def make_bus(settings: ServiceSettings, client_id: str, *, fetch_bytes_per_partition: int | None = None) -> MessageBus:
    """The bus the settings name; ``fetch_bytes_per_partition`` overrides Kafka's default fetch size."""
    if settings.bus == "kafka":
        fetch = {"fetch_bytes_per_partition": fetch_bytes_per_partition} if fetch_bytes_per_partition else {}
        return KafkaBus(
            settings.kafka_bootstrap_servers,
            client_id=client_id,
            topic_prefix=settings.kafka_topic_prefix,
            partitions=settings.kafka_topic_partitions,
            retention_ms=settings.kafka_topic_retention_ms,
            fetch_min_bytes=settings.kafka_fetch_min_bytes,
            fetch_wait_ms=settings.kafka_fetch_wait_ms,
            **fetch,
        )
    return InProcessBus()


def build_app(definition: ServiceDefinition, settings: ServiceSettings, bus: MessageBus | None = None) -> FastAPI:
    """An app for ``definition``; pass ``bus`` to share one in-process bus between services."""
    configure_logging(definition.name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, definition.schema, pool_size=settings.db_pool_size)
        # The relay and the consumer get connections of their own: a request pool exhausted by a
        # burst of requests must not hold up publishing or applying events.
        worker_engine = make_engine(settings.database_url, definition.schema, pool_size=2)
        app_bus = bus or make_bus(settings, definition.name)
        app.state.engine = engine
        app.state.sessions = make_sessions(engine)
        app.state.bus = app_bus
        app.state.token_verifier = TokenVerifier(settings)
        workers = _start_workers(app, definition, settings, worker_engine, app_bus)
        log.info("%s started (bus=%s)", definition.name, settings.bus)
        try:
            yield
        finally:
            for worker in workers:
                worker.stop()
            if bus is None:
                app_bus.close()
            engine.dispose()
            worker_engine.dispose()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        openapi_tags=definition.openapi_tags or None,
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, service=definition.name)
    app.include_router(health_router(lambda r: r.app.state.engine, _readiness_checks))
    for router in definition.routers:
        app.include_router(router)
    _check_operation_ids(app)
    return app


def _start_workers(
    app: FastAPI, definition: ServiceDefinition, settings: ServiceSettings, engine: Engine, bus: MessageBus
) -> list[OutboxRelay | EventConsumer]:
    workers: list[OutboxRelay | EventConsumer] = []
    app.state.relay = None
    app.state.consumer = None
    if definition.outbox is not None:
        relay = OutboxRelay(
            engine,
            definition.outbox,
            bus,
            service=definition.name,
            batch_size=settings.relay_batch_size,
            gather_s=settings.relay_gather_ms / 1000,
        )
        _wake_relay_after_commit(app.state.sessions, relay)
        OUTBOX_BACKLOG.labels(definition.name).set_function(relay.backlog_or_nan)
        app.state.relay = relay
        workers.append(relay)
    if definition.consumer is not None:
        spec = definition.consumer
        consumer = EventConsumer(
            sessions=make_sessions(engine),
            inbox=spec.inbox,
            bus=bus,
            group=spec.group,
            topics=spec.topics,
            handlers=spec.handlers,
            batch_handlers=spec.batch_handlers,
            batch_size=settings.consumer_batch_size,
        )
        app.state.consumer = consumer
        workers.append(consumer)
    for worker in workers:
        worker.start()
    return workers


def _wake_relay_after_commit(sessions: sessionmaker[Session], relay: OutboxRelay) -> None:
    def after_commit(session: Session) -> None:
        if session.info.pop(OUTBOX_PENDING, False):
            relay.wake()

    event.listen(sessions, "after_commit", after_commit)


def _readiness_checks(request: Request) -> dict[str, ReadinessCheck]:
    state = request.app.state
    checks: dict[str, ReadinessCheck] = {"bus": state.bus.ping}
    if state.relay is not None:
        checks["outbox_relay"] = lambda: state.relay.healthy
    if state.consumer is not None:
        checks["consumer"] = lambda: state.consumer.healthy
    return checks


def _check_operation_ids(app: FastAPI) -> None:
    names = [r.name for r in app.routes if isinstance(r, APIRoute)]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate operation ids: {sorted(duplicates)}")
