"""Consuming events at least once, applying each exactly once.

For every batch: the read-model changes and the inbox rows (processed event ids) commit in one
database transaction; only then are the offsets committed. A redelivered event finds its id in
the inbox and changes nothing. A message that can never be handled (not a CloudEvent, unknown
type, invalid payload, rejected by its handler) goes to the dead-letter topic with the reason,
and the batch goes on. Database and broker failures are not the message's fault: the batch is
rolled back and read again from the last committed offset. Catalogued event types the consumer
has no handler for (a topic may carry several types) are passed over.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from prometheus_client import Counter, Gauge
from pydantic import BaseModel
from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from insikt_common.contracts.catalogue import CATALOGUE, parse_payload
from insikt_common.contracts.envelope import CloudEvent, ContractError, PayloadEvent
from insikt_common.db import recordset_document, recordset_insert
from insikt_common.messaging.bus import IncomingMessage, MessageBus, OutgoingMessage, Share, Subscription
from insikt_common.messaging.deferred import deferring
from insikt_common.messaging.worker import LoopWorker

log = logging.getLogger(__name__)

P = TypeVar("P", bound=BaseModel)

Handler = Callable[[Session, CloudEvent], None]
EventBatchHandler = Callable[[Session, Sequence[CloudEvent]], None]


@dataclass(frozen=True)
class PayloadBatchHandler(Generic[P]):
    """Applies a run of events of one type from their payloads alone.

    On a topic that carries only this type, the consumer then validates each message's envelope
    and payload in one pass over its JSON instead of two (the costliest part of applying an event).
    """

    payload: type[P]
    apply: Callable[[Session, Sequence[P]], None]


BatchHandler = EventBatchHandler | PayloadBatchHandler[Any]
"""Applies a run of events of one type at once, with the same effect as their handler one by one."""

CONSUMED = Counter("insikt_consumer_events", "Events applied by a consumer", ["group"])
LAG = Gauge("insikt_consumer_lag", "Messages waiting after the consumer's position", ["group"])
DEAD_LETTERED = Counter("insikt_consumer_dead_lettered", "Messages sent to the dead-letter topic", ["group"])


def dead_letter_topic(group: str) -> str:
    return f"{group}.dlq"


@dataclass(frozen=True, slots=True)
class _Decoded:
    message: IncomingMessage
    event: CloudEvent | PayloadEvent[Any]
    handler: Handler


class _Poison(Exception):
    def __init__(self, message: IncomingMessage, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


class EventConsumer:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        inbox: Table,
        bus: MessageBus,
        group: str,
        topics: Sequence[str],
        handlers: Mapping[str, Handler],
        batch_handlers: Mapping[str, BatchHandler] | None = None,
        batch_size: int = 500,
        events_per_transaction: int | None = None,
        poll_timeout_s: float = 0.5,
        share: Share | None = None,
    ) -> None:
        """``batch_size`` messages are polled at a time; a transaction takes in polls until it has
        ``events_per_transaction`` (``batch_size``, one poll, unless given) or the topics have no
        more. Bigger transactions write each summed counter once for more events
        (``insikt_common.messaging.deferred``), at the cost of holding their messages until the
        commit and of longer waits for another consumer writing the same rows. With ``share`` the
        consumer reads only its share of the group's partitions."""
        self._sessions = sessions
        self._inbox = inbox
        self._bus = bus
        self._group = group
        self._topics = list(topics)
        self._handlers = dict(handlers)
        self._batch_handlers = dict(batch_handlers or {})
        self._one_pass = _one_pass_decoding(self._batch_handlers, self._handlers)
        self._batch_size = batch_size
        self._events_per_transaction = max(batch_size, events_per_transaction or batch_size)
        self._poll_timeout_s = poll_timeout_s
        self._share = share
        self._subscription: Subscription | None = None
        self._worker = LoopWorker(f"{group}-consumer", self.consume_once, idle_wait_s=0)

    def consume_once(self) -> int:
        """Poll and apply one transaction's messages; returns how many were read."""
        if self._subscription is None:
            self._subscription = self._bus.subscribe(self._topics, self._group, self._share)
        try:
            read = 0
            if messages := self._subscription.poll(self._poll_timeout_s, self._batch_size):
                read = self._apply_polls(self._subscription, messages)
                self._subscription.commit()
            LAG.labels(self._group).set(self._subscription.lag())
            return read
        except Exception:
            # Rejoin from the committed offsets: nothing after them counts as processed.
            self._subscription.close()
            self._subscription = None
            raise

    def caught_up(self) -> bool:
        """Whether the consumer has read to the end of its partitions (asks the broker)."""
        return self._subscription is not None and self._subscription.caught_up()

    def _apply_polls(self, subscription: Subscription, first: list[IncomingMessage]) -> int:
        """Apply ``first`` and the polls after it in one transaction; returns how many messages were read.

        A message that no handler can apply rolls the whole transaction back; its polls are then
        applied again one event at a time (a transaction per poll), passing over the culprit.
        """
        polls = [first]
        read = len(first)
        poison: list[_Poison] = []
        applied = 0
        try:
            with self._sessions() as session, session.begin(), deferring(session):
                while True:
                    decoded, unreadable = self._decode(polls[-1])
                    poison.extend(unreadable)
                    applied += self._apply_decoded(session, decoded)
                    wanted = self._events_per_transaction - read
                    if wanted <= 0 or subscription.lag() == 0:
                        break
                    if not (more := subscription.poll(self._poll_timeout_s, min(wanted, self._batch_size))):
                        break
                    polls.append(more)
                    read += len(more)
        except _Poison:
            applied, poison = 0, []
            for messages in polls:
                applied_here, poison_here = self._apply_isolated(messages)
                applied += applied_here
                poison.extend(poison_here)
        if poison:
            self._dead_letter(poison)
        CONSUMED.labels(self._group).inc(applied)
        return read

    def _decode(self, messages: Sequence[IncomingMessage]) -> tuple[list[_Decoded], list[_Poison]]:
        decoded: list[_Decoded] = []
        poison: list[_Poison] = []
        for message in messages:
            if (expected := self._one_pass.get(message.topic)) is not None:
                event_type, payload = expected
                typed: PayloadEvent[Any] | None = PayloadEvent.parse(message.value, payload)
                if typed is not None and typed.type == event_type:
                    decoded.append(_Decoded(message, typed, self._handlers[event_type]))
                    continue
                # Not that event, or not valid: the two-step path below says what is wrong.
            try:
                event = CloudEvent.from_bytes(message.value)
            except ContractError as exc:
                poison.append(_Poison(message, str(exc)))
                continue
            if (handler := self._handlers.get(event.type)) is not None:
                decoded.append(_Decoded(message, event, handler))
            elif event.type not in CATALOGUE:
                poison.append(_Poison(message, f"unknown event type {event.type!r}"))
            # else: a known event this consumer has no use for, sharing a topic with ones it has.
        return decoded, poison

    def _apply_isolated(self, messages: list[IncomingMessage]) -> tuple[int, list[_Poison]]:
        """Slow path after a poison message: each event in its own savepoint, its writes not deferred."""
        decoded, poison = self._decode(messages)
        with self._sessions() as session, session.begin():
            fresh = self._unseen(session, decoded)
            applied: list[_Decoded] = []
            for item in fresh:
                try:
                    with session.begin_nested():
                        self._apply_run(session, [item])
                    applied.append(item)
                except _Poison as exc:
                    poison.append(exc)
            self._record_in_inbox(session, applied)
        return len(applied), poison

    def _apply_decoded(self, session: Session, decoded: list[_Decoded]) -> int:
        """Fast path: runs of one event type go to their batch handler, if there is one."""
        fresh = self._claim(session, decoded)
        for run in _runs_of_one_type(fresh):
            self._apply_run(session, run)
        return len(fresh)

    def _claim(self, session: Session, decoded: list[_Decoded]) -> list[_Decoded]:
        """Record the events not yet in the inbox there, and return them (without repeats).

        On PostgreSQL one statement does both: it inserts every id, passing over those already
        there (or being recorded by a concurrent transaction that then commits), and returns the
        ones it inserted.
        """
        if not decoded:
            return []
        if session.get_bind().dialect.name != "postgresql":
            unseen = self._unseen(session, decoded)
            self._record_in_inbox(session, unseen)
            return unseen
        today = date.today()
        events = [
            {"source": d.event.source, "event_id": d.event.id, "event_type": d.event.type, "processed_on": today}
            for d in decoded
        ]
        rows = session.execute(
            recordset_insert(session.get_bind().dialect, self._inbox, tuple(events[0]), _CLAIM),
            recordset_document(events),
        )
        claimed = {(source, event_id) for source, event_id in rows}
        fresh: list[_Decoded] = []
        for item in decoded:
            key = (item.event.source, item.event.id)
            if key in claimed:
                claimed.remove(key)
                fresh.append(item)
        return fresh

    def _apply_run(self, session: Session, run: list[_Decoded]) -> None:
        batch_handler = self._batch_handlers.get(run[0].event.type)
        try:
            if isinstance(batch_handler, PayloadBatchHandler):
                batch_handler.apply(session, [_payload(item.event, batch_handler.payload) for item in run])
                session.flush()
            elif batch_handler is not None and len(run) > 1:
                batch_handler(session, [_as_cloud_event(item.event) for item in run])
                session.flush()
            else:
                for item in run:
                    item.handler(session, _as_cloud_event(item.event))
                    session.flush()
        except (OperationalError, InterfaceError):
            raise  # the database, not the message: retry the batch
        except Exception as exc:
            # For a run, the first message stands for it; the isolated pass finds the real culprit.
            raise _Poison(run[0].message, f"{type(exc).__name__}: {exc}") from exc

    def _record_in_inbox(self, session: Session, applied: list[_Decoded]) -> None:
        if not applied:
            return
        today = date.today()
        session.execute(
            insert(self._inbox),
            [
                {"source": d.event.source, "event_id": d.event.id, "event_type": d.event.type, "processed_on": today}
                for d in applied
            ],
        )

    def _unseen(self, session: Session, decoded: list[_Decoded]) -> list[_Decoded]:
        """Drop events already in the inbox, and repeats within the batch."""
        if not decoded:
            return []
        keys = {(d.event.source, d.event.id) for d in decoded}
        rows = session.execute(
            select(self._inbox.c.source, self._inbox.c.event_id).where(
                tuple_(self._inbox.c.source, self._inbox.c.event_id).in_(list(keys))
            )
        )
        seen = {(source, event_id) for source, event_id in rows}
        fresh: list[_Decoded] = []
        for item in decoded:
            key = (item.event.source, item.event.id)
            if key not in seen:
                seen.add(key)
                fresh.append(item)
        return fresh

    def _dead_letter(self, poison: list[_Poison]) -> None:
        for p in poison:
            log.warning(
                "dead-lettering %s[%d]@%d: %s", p.message.topic, p.message.partition, p.message.offset, p.reason
            )
        self._bus.publish(
            [
                OutgoingMessage(
                    topic=dead_letter_topic(self._group),
                    key=p.message.key or "",
                    value=p.message.value or b"",
                    headers=[
                        *p.message.headers,
                        ("dlq.reason", p.reason.encode()),
                        ("dlq.topic", p.message.topic.encode()),
                        ("dlq.partition", str(p.message.partition).encode()),
                        ("dlq.offset", str(p.message.offset).encode()),
                        ("dlq.consumer_group", self._group.encode()),
                    ],
                )
                for p in poison
            ]
        )
        DEAD_LETTERED.labels(self._group).inc(len(poison))

    @property
    def healthy(self) -> bool:
        return self._worker.healthy

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None


def _runs_of_one_type(items: list[_Decoded]) -> list[list[_Decoded]]:
    """Consecutive events of the same type, in order: order across types is kept."""
    runs: list[list[_Decoded]] = []
    for item in items:
        if runs and runs[-1][0].event.type == item.event.type:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


_CLAIM = (
    # In key order, so that two consumers claiming overlapping events (the live one and a rebuild)
    # wait for each other, never deadlock.
    'ORDER BY source COLLATE "C", event_id COLLATE "C" ON CONFLICT DO NOTHING RETURNING source, event_id'
)


def _one_pass_decoding(
    batch_handlers: Mapping[str, BatchHandler], handlers: Mapping[str, Handler]
) -> dict[str, tuple[str, type[BaseModel]]]:
    """Topics whose every catalogued event type is one with a payload batch handler: the event type
    and payload model to decode their messages as, in one pass."""
    types_on_topic: dict[str, set[str]] = {}
    for spec in CATALOGUE.values():
        types_on_topic.setdefault(spec.topic, set()).add(spec.type)
    one_pass: dict[str, tuple[str, type[BaseModel]]] = {}
    for event_type, handler in batch_handlers.items():
        topic = CATALOGUE[event_type].topic if event_type in CATALOGUE else None
        if (
            isinstance(handler, PayloadBatchHandler)
            and event_type in handlers
            and topic is not None
            and types_on_topic[topic] == {event_type}
        ):
            one_pass[topic] = (event_type, handler.payload)
    return one_pass


def _payload(event: CloudEvent | PayloadEvent[Any], model: type[P]) -> P:
    if isinstance(event, CloudEvent):
        return parse_payload(event, model)
    assert isinstance(event.data, model)
    return event.data


def _as_cloud_event(event: CloudEvent | PayloadEvent[Any]) -> CloudEvent:
    """Handlers that take the event whole get it as decoded in two steps."""
    if isinstance(event, CloudEvent):
        return event
    return CloudEvent.model_validate({**event.model_dump(exclude={"data"}), "data": event.data.model_dump(mode="json")})
