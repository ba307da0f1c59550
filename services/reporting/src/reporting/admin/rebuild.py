"""Rebuilding the read models from the beginning of the topics.

The event-built tables and the inbox are emptied in one transaction, then a consumer in a fresh
group (which starts at the beginning of every topic) applies everything again until it has read to
the end of every partition and the topics have been quiet for a while. The service's own consumer
keeps running meanwhile: whatever it applies lands in the inbox, so the rebuilding consumer passes
over it, and the other way round.
``reporting-rebuild`` may split the work between processes, each applying its share of every
topic's partitions in the same group; a key's events stay in one partition, so in one process and
in order. Imported benchmarks and round publication are not built from events and are kept.
"""

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import delete, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from insikt_common.contracts.catalogue import QUESTIONNAIRE_PUBLISHED
from insikt_common.messaging.bus import MessageBus, Share
from insikt_common.messaging.consumer import EventConsumer
from insikt_common.service import ConsumerSpec
from reporting import tables
from reporting.projection import table_of

log = logging.getLogger(__name__)

MAX_FAILED_BATCHES = 5
"""Batches that may fail in a row before the rebuild gives up."""
CLEAR_ATTEMPTS = 5
CLEAR_LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class RebuildResult:
    consumer_group: str
    events_read: int
    applying_s: float
    """From joining the group to the last event applied: the quiet wait at the end is not in it."""


def clear_read_models(session: Session) -> None:
    """Empty the event-built tables and the inbox.

    PostgreSQL truncates them: deleted rows would stay in the tables and their indexes until
    autovacuum came by (while the rebuild runs), and every insert of the same key again would step
    over its dead predecessor. The truncation waits for transactions that use the tables (the live
    consumer's) and reports wait for it, so it gives up after ``CLEAR_LOCK_TIMEOUT`` rather than
    keep reports waiting behind a long transaction."""
    cleared = [*(table_of(model) for model in tables.EVENT_BUILT), tables.inbox]
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL lock_timeout = '{CLEAR_LOCK_TIMEOUT}'"))
        session.execute(text("TRUNCATE " + ", ".join(dialect.identifier_preparer.format_table(t) for t in cleared)))
        return
    for table in cleared:
        session.execute(delete(table))


def rebuild(
    sessions: sessionmaker[Session],
    bus: MessageBus,
    spec: ConsumerSpec,
    *,
    quiet_s: float = 5.0,
    batch_size: int = 500,
    events_per_transaction: int | None = None,
) -> RebuildResult:
    """Empty the read models and apply every event again; returns once every partition has been read
    to its end and no event came for ``quiet_s``."""
    group = start(sessions, spec)
    apply_first(sessions, bus, spec, group)
    return apply_everything(
        sessions,
        bus,
        spec,
        group,
        quiet_s=quiet_s,
        batch_size=batch_size,
        events_per_transaction=events_per_transaction,
    )


APPLIED_FIRST = frozenset({QUESTIONNAIRE_PUBLISHED.topic})
"""Topics read to their end before the others. A questionnaire says how its responses are counted by
background question (``survey_results.projection.background_of``): applied after some of them, it
counts those again from the stored responses, while the transactions applying more of them wait."""


def apply_first(sessions: sessionmaker[Session], bus: MessageBus, spec: ConsumerSpec, group: str) -> None:
    """Apply the topics of ``APPLIED_FIRST`` to their end, in a consumer group of their own: the
    rebuild's group then reads them again, and the inbox passes over what is already applied."""
    first = [topic for topic in spec.topics if topic in APPLIED_FIRST]
    if first:
        apply_everything(sessions, bus, replace(spec, topics=first), f"{group}-first", quiet_s=FIRST_QUIET_S)


FIRST_QUIET_S = 0.2
"""The first topics are read to their end before the quiet is waited for: it only ends the pass."""


def start(sessions: sessionmaker[Session], spec: ConsumerSpec) -> str:
    """Empty the read models; returns a new consumer group, which reads the topics from the beginning.

    Emptying them is tried again (``CLEAR_ATTEMPTS`` in all) when it timed out waiting for the
    tables or PostgreSQL chose it to break a deadlock with the live consumer."""
    for attempt in range(1, CLEAR_ATTEMPTS + 1):
        try:
            with sessions.begin() as session:
                clear_read_models(session)
            break
        except OperationalError:
            if attempt == CLEAR_ATTEMPTS:
                raise
            log.warning("could not empty the read models (attempt %d); trying again", attempt, exc_info=True)
            time.sleep(attempt)
    return f"{spec.group}-rebuild-{secrets.token_hex(4)}"


def apply_everything(
    sessions: sessionmaker[Session],
    bus: MessageBus,
    spec: ConsumerSpec,
    group: str,
    *,
    share: Share | None = None,
    quiet_s: float = 5.0,
    batch_size: int = 500,
    events_per_transaction: int | None = None,
    between_transactions: Callable[[], object] | None = None,
) -> RebuildResult:
    """Apply the events of ``group`` (or of its ``share`` of the partitions, beside other processes
    applying the other shares) until it has read to the end of its partitions and no event has come
    for ``quiet_s``.

    ``between_transactions`` is called after each transaction (the command collects garbage there)."""
    consumer = EventConsumer(
        sessions=sessions,
        inbox=spec.inbox,
        bus=bus,
        group=group,
        topics=spec.topics,
        handlers=spec.handlers,
        batch_handlers=spec.batch_handlers,
        batch_size=batch_size,
        events_per_transaction=events_per_transaction,
        poll_timeout_s=min(0.5, quiet_s),
        share=share,
    )
    read = 0
    failures = 0
    started = last_seen = time.monotonic()
    try:
        while True:
            try:
                got = consumer.consume_once()
                # Quiet is not enough: a slow start or a busy broker looks quiet too.
                done = not got and time.monotonic() - last_seen >= quiet_s and consumer.caught_up()
            except Exception:
                # A batch rolled back (a deadlock with the live consumer, a lost connection): the
                # consumer reads again from the last committed offsets.
                failures += 1
                if failures > MAX_FAILED_BATCHES:
                    raise
                log.warning("rebuild batch failed (%d in a row); reading it again", failures, exc_info=True)
                time.sleep(min(5.0, 0.5 * failures))
                last_seen = time.monotonic()
                continue
            failures = 0
            if done:
                break
            if got:
                read += got
                last_seen = time.monotonic()
                if between_transactions is not None:
                    between_transactions()
    finally:
        consumer.stop()
    part = "" if share is None else f", partitions {', '.join(map(str, sorted(share.partitions)))}"
    log.info("read models rebuilt from %d events (group %s%s)", read, group, part)
    return RebuildResult(consumer_group=group, events_read=read, applying_s=last_seen - started)
