"""The outbox relay: publishes committed outbox rows in order, then marks them sent.

A row is marked only after the bus acknowledged it (acks=all), so a crash or a broker outage
means the row is sent again later: delivery is at least once, and consumers deduplicate.
Several replicas may relay at once on PostgreSQL (``FOR UPDATE SKIP LOCKED``).
"""

import logging
import time
from collections.abc import Callable
from datetime import date

from prometheus_client import Counter
from sqlalchemy import ColumnElement, Engine, Select, Table, delete, func, not_, select, update

from insikt_common.messaging.bus import MessageBus, OutgoingMessage
from insikt_common.messaging.worker import LoopWorker

log = logging.getLogger(__name__)

PUBLISHED = Counter("insikt_outbox_published", "Events published from the outbox", ["service"])
SENT_ROWS_KEPT_DAYS = 7
PURGE_CHUNK = 5000
"""Sent rows deleted before one batch is published: a week's rows go in chunks, between batches."""
PURGE_RETRY_S = 3600.0


def next_batch(table: Table, size: int) -> Select[tuple[int, str, str, bytes]]:
    """The oldest unsent rows that no other relay holds, locked until the batch is marked sent."""
    return (
        select(table.c.seq, table.c.topic, table.c.message_key, table.c.payload)
        .where(unsent(table))
        .order_by(table.c.seq)
        .limit(size)
        .with_for_update(skip_locked=True)
    )


def unsent(table: Table) -> ColumnElement[bool]:
    """``NOT sent``: the predicate of the outbox's partial index on unsent rows, so that on
    PostgreSQL the relay reads only those (``sent IS false`` does not match that index: every batch
    would read every row kept for the week). SQLite gets ``sent = 0`` and reads the table."""
    return not_(table.c.sent)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        table: Table,
        bus: MessageBus,
        *,
        service: str,
        batch_size: int = 500,
        idle_wait_s: float = 0.5,
        gather_s: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        calendar: Callable[[], date] = date.today,
    ) -> None:
        """``gather_s``: after a batch that was not full, the next waits until this long after it,
        so that under a steady stream of commits each batch carries many rows (one select, one
        Kafka round trip and one update for all of them) instead of one or two."""
        self._engine = engine
        self._table = table
        self._bus = bus
        self._service = service
        self._batch_size = batch_size
        self._gather_s = gather_s
        self._clock = clock
        self._sleep = sleep
        self._last_partial_at: float | None = None
        self._calendar = calendar
        self._purged_on: date | None = None
        self._next_purge_try = 0.0
        self._worker = LoopWorker(f"{service}-outbox-relay", self.publish_pending, idle_wait_s)

    def publish_pending(self) -> int:
        """Publish one batch of unsent rows; returns how many were sent. Once a day it first deletes
        the rows sent more than a week ago, a chunk before each batch until none is left."""
        self._purge_a_chunk()
        self._gather()
        t = self._table
        with self._engine.begin() as conn:
            rows = conn.execute(next_batch(t, self._batch_size)).all()
            if not rows:
                return 0
            self._bus.publish([OutgoingMessage(topic=r.topic, key=r.message_key, value=r.payload) for r in rows])
            conn.execute(update(t).where(t.c.seq.in_([r.seq for r in rows])).values(sent=True, sent_on=date.today()))
        PUBLISHED.labels(self._service).inc(len(rows))
        self._last_partial_at = self._clock() if len(rows) < self._batch_size else None
        return len(rows)

    def _gather(self) -> None:
        if self._last_partial_at is None:
            return
        wait = self._last_partial_at + self._gather_s - self._clock()
        self._last_partial_at = None
        if wait > 0:
            self._sleep(wait)

    def backlog(self) -> int:
        with self._engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(self._table).where(unsent(self._table))) or 0

    def backlog_or_nan(self) -> float:
        """For the metrics gauge: a scrape must not fail when the database does."""
        try:
            return float(self.backlog())
        except Exception:
            return float("nan")

    def _purge_a_chunk(self) -> None:
        today = self._calendar()
        if self._purged_on == today or self._clock() < self._next_purge_try:
            return
        try:
            deleted = self._purge_sent(today)
        except Exception:
            log.exception("could not purge sent outbox rows; trying again in an hour")
            self._next_purge_try = self._clock() + PURGE_RETRY_S
            return
        if deleted < PURGE_CHUNK:
            self._purged_on = today

    def _purge_sent(self, today: date) -> int:
        """Delete up to ``PURGE_CHUNK`` rows sent more than a week ago (kept that long for
        troubleshooting), oldest first; rows another relay is purging at the same moment are left to it."""
        cutoff = date.fromordinal(today.toordinal() - SENT_ROWS_KEPT_DAYS)
        t = self._table
        old = select(t.c.seq).where(t.c.sent, t.c.sent_on < cutoff).order_by(t.c.seq).limit(PURGE_CHUNK)
        with self._engine.begin() as conn:
            result = conn.execute(delete(t).where(t.c.seq.in_(old.with_for_update(skip_locked=True))))
        return result.rowcount

    @property
    def healthy(self) -> bool:
        return self._worker.healthy

    def start(self) -> None:
        self._worker.start()

    def wake(self) -> None:
        self._worker.wake()

    def stop(self) -> None:
        self._worker.stop()
