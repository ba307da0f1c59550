"""The outbox relay's batching on SQLite and the in-process bus (Kafka and PostgreSQL: tests/integration)."""

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, insert, select

from insikt_common.db import make_engine
from insikt_common.messaging import relay as relay_module
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.messaging.relay import OutboxRelay
from insikt_common.messaging.tables import outbox_table

metadata = MetaData(schema="test")
outbox = outbox_table(metadata)


class Clock:
    """Time that moves only when the relay sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def _add(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        for _ in range(count):
            row = {"event_id": uuid.uuid4().hex, "event_type": "t", "topic": "t", "message_key": "k"}
            conn.execute(insert(outbox).values(**row, payload=b"{}", sent=False))


def test_after_a_partial_batch_the_relay_waits_to_gather_the_next_one(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}", "test")
    metadata.create_all(engine)
    bus, clock = InProcessBus(), Clock()
    relay = OutboxRelay(engine, outbox, bus, service="t", batch_size=3, gather_s=0.02, clock=clock, sleep=clock.sleep)

    _add(engine, 2)
    assert relay.publish_pending() == 2  # nothing published just before: no wait
    _add(engine, 1)
    clock.now += 0.005
    assert relay.publish_pending() == 1  # waited out the rest of the 20 ms first
    assert clock.slept == [0.015]
    clock.now += 0.05
    _add(engine, 4)
    assert relay.publish_pending() == 3  # long enough since the last batch: at once
    assert relay.publish_pending() == 1  # after a full batch the rest follows at once too
    assert clock.slept == [0.015]
    assert len(bus.topic_messages("t")) == 7


class Calendar:
    def __init__(self, today: date) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today


def test_the_relay_purges_rows_sent_more_than_a_week_ago_once_a_day_a_chunk_per_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service runs for months: the week's rows are kept for troubleshooting, older ones go
    without a restart, a chunk at a time so that publishing never waits for a long delete."""
    monkeypatch.setattr(relay_module, "PURGE_CHUNK", 2)
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}", "test")
    metadata.create_all(engine)
    calendar = Calendar(date(2026, 11, 22))
    relay = OutboxRelay(engine, outbox, InProcessBus(), service="t", calendar=calendar)

    def sent_on(day: date, count: int = 1) -> None:
        with engine.begin() as conn:
            for _ in range(count):
                row = {"event_id": uuid.uuid4().hex, "event_type": "t", "topic": "t", "message_key": "k"}
                conn.execute(insert(outbox).values(**row, payload=b"{}", sent=True, sent_on=day))

    def kept() -> int:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(outbox)) or 0

    sent_on(calendar.today - timedelta(days=8), count=3)
    sent_on(calendar.today - timedelta(days=7))
    relay.publish_pending()
    assert kept() == 2  # one chunk of the three eight days old
    relay.publish_pending()
    assert kept() == 1  # the rest; seven days old stays

    sent_on(calendar.today - timedelta(days=30))
    relay.publish_pending()
    assert kept() == 2  # not again the same day

    calendar.today += timedelta(days=1)
    relay.publish_pending()
    assert kept() == 0
