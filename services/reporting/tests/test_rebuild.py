"""The rebuild on SQLite and the in-process bus: a batch that fails is read again, not lost."""

import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED, key_of
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.survey import ResponseSubmitted
from insikt_common.contracts.units import UnitRef
from insikt_common.db import make_engine, make_sessions
from insikt_common.messaging.bus import IncomingMessage, OutgoingMessage, Share
from insikt_common.messaging.memory_bus import InProcessBus, InProcessSubscription
from insikt_common.migrations import upgrade
from reporting.admin.rebuild import rebuild
from reporting.config import SCHEMA
from reporting.main import CONSUMER
from reporting.prestart import MIGRATIONS
from reporting.survey_results.models import RoundUnitTotal
from tests.integration.events import response

UNIT = UnitRef(id="0580-R", name="Enhet R", type="hvb", municipality_code="0580")


class _FailingOnce(InProcessSubscription):
    failed = False

    def poll(self, timeout_s: float, max_records: int) -> list[IncomingMessage]:
        batch = super().poll(timeout_s, max_records)
        if batch and not _FailingOnce.failed:
            _FailingOnce.failed = True
            raise ConnectionError("the database went away mid-batch")
        return batch


class _BusOf(InProcessBus):
    """An in-process bus whose subscriptions are ``subscription``s."""

    def __init__(self, subscription: type[InProcessSubscription]) -> None:
        super().__init__()
        self._subscription = subscription

    def subscribe(self, topics: Sequence[str], group: str, share: Share | None = None) -> InProcessSubscription:
        return self._subscription(self, list(topics), group)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    upgrade(MIGRATIONS, url)
    engine = make_engine(url, SCHEMA)
    yield engine
    engine.dispose()


def test_a_rebuild_reads_a_failed_batch_again(engine: Engine) -> None:
    bus = _BusOf(_FailingOnce)
    round_id = str(uuid.uuid4())
    events = [response(round_id, UNIT, {"q1": "1"}) for _ in range(7)]
    _publish(bus, events)

    result = rebuild(make_sessions(engine), bus, CONSUMER, quiet_s=0.5, batch_size=3)

    assert _FailingOnce.failed
    assert result.events_read == 7
    with make_sessions(engine)() as session:
        assert session.scalars(select(col(RoundUnitTotal.responses))).all() == [7]


class _SlowToStart(InProcessSubscription):
    """A broker that sends nothing for the first second, though the topic holds events."""

    def __init__(self, bus: InProcessBus, topics: list[str], group: str) -> None:
        super().__init__(bus, topics, group)
        self._from = time.monotonic() + 1.0

    def poll(self, timeout_s: float, max_records: int) -> list[IncomingMessage]:
        if time.monotonic() < self._from:
            time.sleep(timeout_s)
            return []
        return super().poll(timeout_s, max_records)


def test_a_rebuild_does_not_take_a_slow_start_for_the_end_of_the_topics(engine: Engine) -> None:
    bus = _BusOf(_SlowToStart)
    _publish(bus, [response(str(uuid.uuid4()), UNIT, {"q1": "1"}) for _ in range(4)])

    result = rebuild(make_sessions(engine), bus, CONSUMER, quiet_s=0.3)

    assert result.events_read == 4


def _publish(bus: InProcessBus, events: Sequence[CloudEvent]) -> None:
    bus.publish(
        [
            OutgoingMessage(
                topic=RESPONSE_SUBMITTED.topic,
                key=key_of(RESPONSE_SUBMITTED, ResponseSubmitted.model_validate(e.data)),
                value=e.to_bytes(),
            )
            for e in events
        ]
    )
