"""reporting's consumer on real Kafka and PostgreSQL: exactly-once effects, dead letters."""

import gc
import time
import uuid
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from typing import cast

import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from insikt_common.auth import Principal, Role
from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.db import make_sessions
from insikt_common.messaging.bus import IncomingMessage, Share
from insikt_common.messaging.consumer import EventConsumer, dead_letter_topic
from insikt_common.messaging.kafka_bus import KafkaBus
from reporting.main import DEFINITION
from reporting.survey_results import service as survey_results
from tests.infra import ServiceDatabase, migrated_engine
from tests.integration.events import response_submitted

ADMIN = Principal(subject="test", organisation_id="org-test", roles=frozenset({Role.ADMIN}), unit_ids=frozenset())


@pytest.fixture(scope="module")
def engine(service_db: ServiceDatabase) -> Iterator[Engine]:
    with migrated_engine(service_db, "reporting") as engine:
        yield engine


@pytest.fixture
def consumer(engine: Engine, kafka_bootstrap: str, topic_prefix: str) -> Iterator[EventConsumer]:
    spec = DEFINITION.consumer
    assert spec is not None
    bus = KafkaBus(kafka_bootstrap, client_id="test-reporting", topic_prefix=topic_prefix, partitions=3)
    consumer = EventConsumer(
        sessions=make_sessions(engine),
        inbox=spec.inbox,
        bus=bus,
        group=spec.group,
        topics=[RESPONSE_SUBMITTED.topic],  # the only one these tests feed: a quicker group join
        handlers=spec.handlers,
        batch_handlers=spec.batch_handlers,  # as the service runs it
        poll_timeout_s=0.2,
    )
    yield consumer
    consumer.stop()
    bus.close()


@pytest.fixture
def produce(kafka_bootstrap: str, topic_prefix: str) -> Iterator[Callable[[str, bytes, str], None]]:
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)

    def send(topic: str, value: bytes, key: str = "U1") -> None:
        producer.send(topic_prefix + topic, value=value, key=key.encode())
        producer.flush()

    yield send
    producer.close()


def _consume_until(consumer: EventConsumer, done: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "the consumer did not get there in time"
        consumer.consume_once()


def _responses(sessions: sessionmaker[Session], round_id: str, unit_id: str) -> int:
    with sessions() as session:
        report = survey_results.unit_report(session, round_id, unit_id, 1, ADMIN)
    assert report.responses.value is not None
    return report.responses.value


def _answers(sessions: sessionmaker[Session], round_id: str, unit_id: str) -> dict[str, int | None]:
    with sessions() as session:
        report = survey_results.unit_report(session, round_id, unit_id, 1, ADMIN)
    return {row.answer: row.count.value for row in report.questions[0].answers}


def test_the_same_event_delivered_twice_is_counted_once(
    engine: Engine, consumer: EventConsumer, produce: Callable[[str, bytes, str], None]
) -> None:
    round_id, unit_id = str(uuid.uuid4()), "U-TWICE"
    twice = response_submitted(round_id, unit_id, code="1")
    once = response_submitted(round_id, unit_id, code="2")
    for event in (twice, twice, once, twice):
        produce(RESPONSE_SUBMITTED.topic, event.to_bytes(), unit_id)
    sessions = make_sessions(engine)

    _consume_until(
        consumer,
        lambda: _has_report(sessions, round_id, unit_id) and _answers(sessions, round_id, unit_id).get("2") == 1,
    )
    # Whatever is still in flight must not change the counts.
    for _ in range(3):
        consumer.consume_once()
    assert _responses(sessions, round_id, unit_id) == 2
    assert _answers(sessions, round_id, unit_id) == {"1": 1, "2": 1}


def test_poison_messages_go_to_the_dead_letter_topic_and_later_messages_are_processed(
    engine: Engine,
    consumer: EventConsumer,
    produce: Callable[[str, bytes, str], None],
    kafka_bootstrap: str,
    topic_prefix: str,
) -> None:
    round_id, unit_id = str(uuid.uuid4()), "U-POISON"
    bad_data = response_submitted(round_id, unit_id).model_copy(update={"data": {"round_id": 42}})
    produce(RESPONSE_SUBMITTED.topic, b"this is not json", unit_id)
    produce(RESPONSE_SUBMITTED.topic, bad_data.to_bytes(), unit_id)
    good = [response_submitted(round_id, unit_id) for _ in range(3)]
    for event in good:
        produce(RESPONSE_SUBMITTED.topic, event.to_bytes(), unit_id)
    sessions = make_sessions(engine)

    _consume_until(
        consumer, lambda: _has_report(sessions, round_id, unit_id) and _responses(sessions, round_id, unit_id) == 3
    )

    dead = KafkaConsumer(
        topic_prefix + dead_letter_topic("reporting"),
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    letters = []
    for record in dead:
        letters.append(record)
        if len(letters) == 2:
            break
    dead.close()
    assert [r.value for r in letters] == [b"this is not json", bad_data.to_bytes()]
    reasons = [dict(r.headers)["dlq.reason"].decode() for r in letters]
    assert "not a CloudEvent" in reasons[0]
    assert "invalid data" in reasons[1] and "round_id" in reasons[1]
    assert dict(letters[0].headers)["dlq.topic"] == RESPONSE_SUBMITTED.topic.encode()
    assert CloudEvent.from_bytes(letters[1].value).id == bad_data.id


def _has_report(sessions: sessionmaker[Session], round_id: str, unit_id: str) -> bool:
    try:
        _responses(sessions, round_id, unit_id)
        return True
    except Exception:
        return False


def test_a_poll_fills_its_batch_from_further_fetches_while_the_broker_holds_more(
    kafka_bootstrap: str, topic_prefix: str, produce: Callable[[str, bytes, str], None]
) -> None:
    bus = KafkaBus(
        kafka_bootstrap,
        client_id="test-fill",
        topic_prefix=topic_prefix,
        partitions=1,
        fetch_bytes_per_partition=16_384,
    )
    topic = RESPONSE_SUBMITTED.topic
    bus.ensure_topics([topic])
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, linger_ms=50)
    for n in range(2_000):
        producer.send(topic_prefix + topic, value=b"x" * 200 + str(n).encode(), key=b"U1")
    producer.flush()
    producer.close()
    subscription = bus.subscribe([topic], "fill")
    try:
        deadline = time.monotonic() + 60
        first: list[object] = []
        while not first:
            assert time.monotonic() < deadline, "nothing arrived"
            first = list(subscription.poll(1.0, 2_000))
        # One fetch of 16 kB holds about 70 of these messages; the batch is filled from the next ones.
        assert len(first) > 500
    finally:
        subscription.close()
        bus.close()


def test_shares_of_a_group_read_their_partitions_and_together_every_message_once(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    prefix = f"{topic_prefix}share-{uuid.uuid4().hex[:6]}."
    bus = KafkaBus(kafka_bootstrap, client_id="test-share", topic_prefix=prefix, partitions=3)
    topic = RESPONSE_SUBMITTED.topic
    bus.ensure_topics([topic])
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    sent = {f"m{n}".encode() for n in range(60)}
    for value in sent:
        producer.send(prefix + topic, value=value, key=value)
    producer.flush()
    producer.close()
    sizes = bus.partition_sizes([topic])
    shares = [bus.subscribe([topic], "split", Share(frozenset(p))) for p in ({0, 2}, {1})]
    try:
        assert not any(share.caught_up() for share in shares), "nothing read yet"
        read: list[list[IncomingMessage]] = [[], []]
        deadline = time.monotonic() + 60
        while sum(map(len, read)) < len(sent):
            assert time.monotonic() < deadline, "not every message arrived"
            for got, share in zip(read, shares, strict=True):
                got.extend(share.poll(0.2, 100))
        assert [{m.partition for m in got} for got in read] == [{0, 2}, {1}]
        held = Counter(m.partition for got in read for m in got)
        assert sorted(sizes) == [0, 1, 2] and all(sizes[p] == held[p] for p in sizes), "what each partition holds"
        assert sorted(cast(bytes, m.value) for got in read for m in got) == sorted(sent)  # all sent with a value
        assert all(share.caught_up() for share in shares)
        for share in shares:
            share.commit()
    finally:
        for share in shares:
            share.close()
    again = bus.subscribe([topic], "split", Share(frozenset({1})))
    try:
        assert again.poll(0.5, 100) == [], "the group's committed offsets hold for its shares"
    finally:
        again.close()
        bus.close()


def test_a_poll_that_waits_in_vain_keeps_nothing_of_its_caller_alive(kafka_bootstrap: str, topic_prefix: str) -> None:
    """A consumer's stack holds its transaction's events; a timed-out wait for a fetch must not keep
    them until a garbage collection (the rebuild collects only between transactions)."""
    bus = KafkaBus(kafka_bootstrap, client_id="test-idle", topic_prefix=topic_prefix, partitions=1)
    topic = RESPONSE_SUBMITTED.topic
    bus.ensure_topics([topic])
    subscription = bus.subscribe([topic], f"idle-{uuid.uuid4().hex[:6]}")

    class Held:
        """Stands for what a consumer holds while it polls."""

    def poll_while_holding() -> weakref.ref[Held]:
        held = Held()
        for _ in range(5):  # the topic is empty: each wait for a fetch times out
            assert subscription.poll(0.2, 10) == []
        return weakref.ref(held)

    gc.disable()
    try:
        held = poll_while_holding()
        assert held() is None, "the caller's locals are kept by a reference cycle"
    finally:
        gc.enable()
        subscription.close()
        bus.close()
