"""The Kafka bus on kafka-python: idempotent producer with acks=all, consumers with manual commits.

kafka-python is synchronous; the relay and the consumers call it from their own threads, never
from the event loop. Clients are created lazily so a service starts (and keeps accepting work
into its outbox) while the broker is down.
"""

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from insikt_common.messaging.bus import IncomingMessage, OutgoingMessage, PublishError, Share

log = logging.getLogger(__name__)

ShortTopic = Callable[[str], str]
"""Maps a prefixed Kafka topic back to its contract name."""

FILL_WAIT_S = 0.1
"""How long a poll waits for a further fetch to fill its batch, when the broker is known to hold more."""


class KafkaBus:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        topic_prefix: str = "",
        partitions: int = 6,
        retention_ms: int = -1,
        publish_timeout_s: float = 15.0,
        fetch_bytes_per_partition: int = 1024 * 1024,
        fetch_min_bytes: int = 64 * 1024,
        fetch_wait_ms: int = 100,
    ) -> None:
        """``fetch_min_bytes``, ``fetch_wait_ms``: a consumer's fetch waits at the broker until that
        much has arrived or that long has passed (Kafka's ``fetch.min.bytes``, ``fetch.max.wait.ms``)."""
        self._bootstrap = bootstrap_servers.split(",")
        self._client_id = client_id
        self._prefix = topic_prefix
        self._partitions = partitions
        self._retention_ms = retention_ms
        self._publish_timeout_s = publish_timeout_s
        self._fetch_bytes_per_partition = fetch_bytes_per_partition
        self._fetch_min_bytes = fetch_min_bytes
        self._fetch_wait_ms = fetch_wait_ms
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()
        self._known_topics: set[str] = set()

    def full_topic(self, topic: str) -> str:
        return f"{self._prefix}{topic}"

    def _short_topic(self, topic: str) -> str:
        return topic.removeprefix(self._prefix)

    def _get_producer(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    client_id=f"{self._client_id}-relay",
                    acks="all",
                    enable_idempotence=True,
                    linger_ms=5,
                    max_block_ms=int(self._publish_timeout_s * 1000),
                    request_timeout_ms=10_000,
                    delivery_timeout_ms=int(self._publish_timeout_s * 1000) + 10_000,
                )
            return self._producer

    def ensure_topics(self, topics: Iterable[str]) -> None:
        """Create missing topics with the configured partitions (keys spread across them) and retention.

        Retention defaults to forever (-1): the topics are the record reporting rebuilds from.
        """
        missing = [self.full_topic(t) for t in topics if self.full_topic(t) not in self._known_topics]
        if not missing:
            return
        admin = KafkaAdminClient(bootstrap_servers=self._bootstrap, client_id=f"{self._client_id}-admin")
        try:
            admin.create_topics(
                {
                    name: {
                        "num_partitions": self._partitions,
                        "replication_factor": -1,
                        "configs": {"retention.ms": str(self._retention_ms)},
                    }
                    for name in missing
                },
                raise_errors=False,
            )
            admin.wait_for_topics(missing)
        finally:
            admin.close()
        self._known_topics.update(missing)

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        try:
            self.ensure_topics({m.topic for m in messages})
            producer = self._get_producer()
            futures = [
                producer.send(self.full_topic(m.topic), value=m.value, key=m.key.encode(), headers=m.headers)
                for m in messages
            ]
            producer.flush(timeout=self._publish_timeout_s + 10)
            for future in futures:
                future.get(timeout=0)
        except (KafkaError, OSError) as exc:
            raise PublishError(f"Kafka did not acknowledge the batch: {exc!r}") from exc

    def subscribe(self, topics: Sequence[str], group: str, share: Share | None = None) -> "KafkaSubscription":
        self.ensure_topics(topics)
        names = [self.full_topic(t) for t in topics]
        consumer = KafkaConsumer(
            *(names if share is None else ()),
            bootstrap_servers=self._bootstrap,
            client_id=f"{self._client_id}-{group}",
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=30_000,
            max_partition_fetch_bytes=self._fetch_bytes_per_partition,
            # Never more than one partition's fetch can bring, or a fetch would wait out its time
            # however much the broker holds.
            fetch_min_bytes=min(self._fetch_min_bytes, self._fetch_bytes_per_partition),
            fetch_max_wait_ms=self._fetch_wait_ms,
        )
        if share is None:
            _wait_for_partitions(consumer, names)
        else:
            try:
                known = _partitions_of(consumer, names, "a share cannot be assigned")
            except KafkaError:
                consumer.close(autocommit=False)
                raise
            consumer.assign(
                [
                    TopicPartition(name, partition)
                    for name, partitions in known.items()
                    for partition in sorted(partitions)
                    if share.takes(partition)
                ]
            )
        return KafkaSubscription(consumer, self._short_topic, fixed=share is not None)

    def partition_sizes(self, topics: Sequence[str]) -> dict[int, int]:
        """Messages held in each partition number, summed over ``topics`` (for splitting them into
        even shares)."""
        self.ensure_topics(topics)
        names = [self.full_topic(t) for t in topics]
        consumer = KafkaConsumer(bootstrap_servers=self._bootstrap, client_id=f"{self._client_id}-sizes")
        try:
            known = _partitions_of(consumer, names, "they cannot be shared out")
            partitions = [TopicPartition(name, p) for name, numbers in known.items() for p in numbers]
            ends = consumer.end_offsets(partitions)
            beginnings = consumer.beginning_offsets(partitions)
        finally:
            consumer.close(autocommit=False)
        sizes: dict[int, int] = {}
        for partition in partitions:
            sizes[partition.partition] = sizes.get(partition.partition, 0) + ends[partition] - beginnings[partition]
        return sizes

    def ping(self) -> bool:
        """Whether some bootstrap server accepts a connection (quick; the clients reconnect alone)."""
        for server in self._bootstrap:
            host, _, port = server.strip().rpartition(":")
            try:
                with socket.create_connection((host.strip("[]"), int(port)), timeout=1.0):
                    return True
            except (OSError, ValueError):
                continue
        return False

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=5)
                self._producer = None


def _wait_for_partitions(consumer: KafkaConsumer, topics: Sequence[str], timeout_s: float = 30.0) -> None:
    """Know every topic's partitions before the group join.

    The join assigns only partitions the consumer's metadata already lists; a topic created a
    moment ago could otherwise stay unassigned until the next metadata refresh.
    """
    deadline = time.monotonic() + timeout_s
    for topic in topics:
        while not consumer.partitions_for_topic(topic) and time.monotonic() < deadline:
            time.sleep(0.1)


def _partitions_of(consumer: KafkaConsumer, topics: Sequence[str], otherwise: str) -> dict[str, set[int]]:
    """Every topic's partitions; raises ``KafkaError`` (saying ``otherwise``) when some topic's are
    still unknown after waiting for them."""
    _wait_for_partitions(consumer, topics)
    known = {topic: consumer.partitions_for_topic(topic) or set() for topic in topics}
    if unknown := sorted(topic for topic, partitions in known.items() if not partitions):
        raise KafkaError(f"no partitions known for {', '.join(unknown)}: {otherwise}")
    return known


class KafkaSubscription:
    def __init__(self, consumer: KafkaConsumer, short_topic: ShortTopic, *, fixed: bool = False) -> None:
        """``fixed``: the consumer was assigned its partitions (a share), not given them by the group."""
        self._consumer = consumer
        self._short_topic = short_topic
        self._fixed = fixed
        self._next_offsets: dict[TopicPartition, int] = {}
        # kafka-python leaves a reference cycle behind every fetch wait that times out: the timeout
        # error is kept in a local of the frame it was raised from. That frame keeps its callers'
        # frames, and they keep their locals once they return. Polled from the consumer's own thread,
        # the cycle held everything the consumer's stack held (a transaction's decoded events, its
        # session) until the garbage collector walked it all: the rebuild spent a tenth of its time
        # there. Polled from a thread of its own, the cycle holds that thread's frames and the one
        # poll's records.
        self._poller = ThreadPoolExecutor(1, thread_name_prefix="kafka-poll")

    def poll(self, timeout_s: float, max_records: int) -> list[IncomingMessage]:
        """Up to ``max_records``: while the broker holds more than one fetch brought, the batch is
        filled from the next fetches (a consumer catching up applies full batches; one that is up
        to date gets what there is at once)."""
        messages = self._poll_once(timeout_s, max_records)
        while messages and len(messages) < max_records and self.lag() > 0:
            more = self._poll_once(FILL_WAIT_S, max_records - len(messages))
            if not more:
                break
            messages.extend(more)
        return messages

    def _poll_once(self, timeout_s: float, max_records: int) -> list[IncomingMessage]:
        polled = self._poller.submit(
            self._consumer.poll, timeout_ms=int(timeout_s * 1000), max_records=max_records
        ).result()
        for partition, records in polled.items():
            self._next_offsets[partition] = records[-1].offset + 1
        return [
            IncomingMessage(
                topic=self._short_topic(record.topic),
                partition=record.partition,
                offset=record.offset,
                key=record.key.decode() if record.key is not None else None,
                value=record.value,
                headers=list(record.headers or []),
            )
            for records in polled.values()
            for record in records
        ]

    def lag(self) -> int:
        """From the high watermarks the last fetches reported; no extra round trip."""
        total = 0
        for partition, next_offset in self._next_offsets.items():
            highwater = self._consumer.highwater(partition)
            if highwater is not None:
                total += max(0, highwater - next_offset)
        return total

    def caught_up(self) -> bool:
        partitions = list(self._consumer.assignment())
        if not partitions:
            return self._fixed  # a share without partitions has nothing to read; a group may not have joined yet
        ends = self._consumer.end_offsets(partitions)
        return len(ends) == len(partitions) and all(
            self._consumer.position(partition) >= end for partition, end in ends.items()
        )

    def commit(self) -> None:
        self._consumer.commit()

    def close(self) -> None:
        # A poll still running (its caller interrupted) ends within its timeout; the consumer is
        # closed only after it, never beside it.
        self._poller.shutdown(wait=True)
        self._consumer.close(autocommit=False)
