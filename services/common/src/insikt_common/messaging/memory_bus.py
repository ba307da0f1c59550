"""An in-process bus for embedded mode: one partition per topic, committed offsets per group.

It mirrors the Kafka semantics the consumers rely on (ordered log, at-least-once, commit after
processing), but lives in memory: it serves all three services running in one process.
"""

import threading
from collections import defaultdict
from collections.abc import Sequence

from insikt_common.messaging.bus import IncomingMessage, OutgoingMessage, Share


class InProcessBus:
    def __init__(self) -> None:
        self._logs: dict[str, list[IncomingMessage]] = defaultdict(list)
        self._committed: dict[tuple[str, str], int] = {}
        self._changed = threading.Condition()

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        with self._changed:
            for message in messages:
                log = self._logs[message.topic]
                log.append(
                    IncomingMessage(
                        topic=message.topic,
                        partition=0,
                        offset=len(log),
                        key=message.key,
                        value=message.value,
                        headers=list(message.headers),
                    )
                )
            self._changed.notify_all()

    def subscribe(self, topics: Sequence[str], group: str, share: Share | None = None) -> "InProcessSubscription":
        """Every topic has the one partition 0: a share without it reads nothing."""
        return InProcessSubscription(self, list(topics) if share is None or share.takes(0) else [], group)

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def topic_messages(self, topic: str) -> list[IncomingMessage]:
        with self._changed:
            return list(self._logs[topic])


class InProcessSubscription:
    def __init__(self, bus: InProcessBus, topics: list[str], group: str) -> None:
        self._bus = bus
        self._group = group
        with bus._changed:
            self._positions = {t: bus._committed.get((group, t), 0) for t in topics}

    def _pending(self, max_records: int) -> list[IncomingMessage]:
        batch: list[IncomingMessage] = []
        for topic, position in self._positions.items():
            log = self._bus._logs[topic]
            taken = log[position : position + max_records - len(batch)]
            batch.extend(taken)
            self._positions[topic] = position + len(taken)
        return batch

    def poll(self, timeout_s: float, max_records: int) -> list[IncomingMessage]:
        with self._bus._changed:
            batch = self._pending(max_records)
            if not batch:
                self._bus._changed.wait(timeout_s)
                batch = self._pending(max_records)
            return batch

    def lag(self) -> int:
        with self._bus._changed:
            return sum(len(self._bus._logs[t]) - p for t, p in self._positions.items())

    def caught_up(self) -> bool:
        return self.lag() == 0

    def commit(self) -> None:
        with self._bus._changed:
            for topic, position in self._positions.items():
                self._bus._committed[(self._group, topic)] = position

    def close(self) -> None:
        pass
