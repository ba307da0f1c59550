"""The consumer's bookkeeping on SQLite and the in-process bus (Kafka and PostgreSQL: tests/integration)."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import ASSESSMENT_RECORDED, PARTICIPANT_ERASED, RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import CloudEvent, new_event
from insikt_common.contracts.outcome import ParticipantErased
from insikt_common.contracts.survey import ResponseSubmitted
from insikt_common.db import make_engine, make_sessions
from insikt_common.messaging.bus import OutgoingMessage
from insikt_common.messaging.consumer import EventConsumer, Handler, PayloadBatchHandler, dead_letter_topic
from insikt_common.messaging.deferred import deferred
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.messaging.tables import inbox_table

metadata = MetaData(schema="test")
seen = Table("seen", metadata, Column("n", Integer, primary_key=True, autoincrement=True), Column("event_id", String))
inbox = inbox_table(metadata)


def _record(session: Session, event: CloudEvent) -> None:
    if event.data.get("round_id") == "reject":
        raise ValueError("this round is refused")
    session.execute(insert(seen).values(event_id=event.id))


@pytest.fixture
def consumer(tmp_path: Path) -> tuple[EventConsumer, InProcessBus, Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}", "test")
    metadata.create_all(engine)
    bus = InProcessBus()
    consumer = EventConsumer(
        sessions=make_sessions(engine),
        inbox=inbox,
        bus=bus,
        group="test",
        topics=[RESPONSE_SUBMITTED.topic, ASSESSMENT_RECORDED.topic],
        handlers={RESPONSE_SUBMITTED.type: _record},
        poll_timeout_s=0,
    )
    return consumer, bus, Session(engine)


def _response(round_id: str = "r1") -> CloudEvent:
    payload = ResponseSubmitted.model_validate(
        {
            "response_id": "x",
            "round_id": round_id,
            "questionnaire_id": "q",
            "questionnaire_version": 1,
            "unit": {"id": "U1", "name": "U", "type": "hvb", "municipality_code": "0580"},
            "submitted_on": "2026-01-01",
            "answers": [],
        }
    )
    return new_event(RESPONSE_SUBMITTED.type, "/t", "s", payload)


def _send(bus: InProcessBus, topic: str, *values: bytes) -> None:
    bus.publish([OutgoingMessage(topic=topic, key="k", value=v) for v in values])


def _responses_consumer(
    engine: Engine, bus: InProcessBus, group: str, *, handlers: dict[str, Handler] | None = None, **options: Any
) -> EventConsumer:
    """A consumer of the response topic on SQLite (``_record`` its handler unless others are given)."""
    return EventConsumer(
        sessions=make_sessions(engine),
        inbox=inbox,
        bus=bus,
        group=group,
        topics=[RESPONSE_SUBMITTED.topic],
        handlers=handlers or {RESPONSE_SUBMITTED.type: _record},
        poll_timeout_s=0,
        **options,
    )


def test_each_event_is_applied_once_however_often_it_arrives(
    consumer: tuple[EventConsumer, InProcessBus, Session],
) -> None:
    worker, bus, session = consumer
    event = _response()
    _send(bus, RESPONSE_SUBMITTED.topic, event.to_bytes(), event.to_bytes())
    worker.consume_once()
    _send(bus, RESPONSE_SUBMITTED.topic, event.to_bytes())
    worker.consume_once()
    assert session.scalar(select(func.count()).select_from(seen)) == 1


def test_poison_is_dead_lettered_with_its_reason_and_the_rest_applied(
    consumer: tuple[EventConsumer, InProcessBus, Session],
) -> None:
    worker, bus, session = consumer
    unknown = _response().model_copy(update={"type": "se.insikt.nobody.heard.of.v1"})
    good = _response()
    _send(bus, RESPONSE_SUBMITTED.topic, b"{", unknown.to_bytes(), _response("reject").to_bytes(), good.to_bytes())
    worker.consume_once()
    reasons = [dict(m.headers)["dlq.reason"].decode() for m in bus.topic_messages(dead_letter_topic("test"))]
    assert len(reasons) == 3
    assert reasons[0].startswith("not a CloudEvent")
    assert reasons[1] == "unknown event type 'se.insikt.nobody.heard.of.v1'"
    assert reasons[2] == "ValueError: this round is refused"
    assert list(session.scalars(select(seen.c.event_id))) == [good.id]


def test_known_events_without_a_handler_are_passed_over_not_dead_lettered(
    consumer: tuple[EventConsumer, InProcessBus, Session],
) -> None:
    worker, bus, _ = consumer
    erased = new_event(PARTICIPANT_ERASED.type, "/t", "s", ParticipantErased(participant_id="p", organisation_id="o"))
    _send(bus, ASSESSMENT_RECORDED.topic, erased.to_bytes())
    assert worker.consume_once() == 1
    assert bus.topic_messages(dead_letter_topic("test")) == []


def test_runs_of_one_type_go_to_the_batch_handler_and_a_poisoned_run_falls_back_to_one_by_one(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}", "test")
    metadata.create_all(engine)
    bus = InProcessBus()
    runs: list[int] = []

    def record_many(session: Session, events: Sequence[CloudEvent]) -> None:
        runs.append(len(events))
        for event in events:
            _record(session, event)

    worker = _responses_consumer(engine, bus, "batch", batch_handlers={RESPONSE_SUBMITTED.type: record_many})
    good = [_response() for _ in range(4)]
    _send(bus, RESPONSE_SUBMITTED.topic, *(e.to_bytes() for e in good))
    worker.consume_once()
    assert runs == [4]

    later = [_response(), _response("reject"), _response()]
    _send(bus, RESPONSE_SUBMITTED.topic, *(e.to_bytes() for e in later))
    worker.consume_once()
    assert runs == [4, 3], "the run was tried whole once, then one event at a time"
    with Session(engine) as session:
        applied = set(session.scalars(select(seen.c.event_id)))
    assert applied == {e.id for e in [*good, later[0], later[2]]}
    assert len(bus.topic_messages(dead_letter_topic("batch"))) == 1


def test_a_payload_batch_handler_gets_payloads_decoded_in_one_pass_and_bad_ones_are_dead_lettered(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}", "test")
    metadata.create_all(engine)
    bus = InProcessBus()
    runs: list[list[str]] = []

    def record_payloads(session: Session, payloads: Sequence[ResponseSubmitted]) -> None:
        runs.append([p.round_id for p in payloads])
        for payload in payloads:
            if payload.round_id == "reject":
                raise ValueError("this round is refused")
            session.execute(insert(seen).values(event_id=payload.round_id))

    worker = _responses_consumer(
        engine,
        bus,
        "payloads",
        batch_handlers={RESPONSE_SUBMITTED.type: PayloadBatchHandler(ResponseSubmitted, record_payloads)},
    )
    _send(bus, RESPONSE_SUBMITTED.topic, _response("r1").to_bytes(), _response("r2").to_bytes())
    worker.consume_once()
    assert runs == [["r1", "r2"]], "one run, as payloads"

    invalid = _response().model_copy(update={"data": {"round_id": 42}})
    wrong_version = _response("r-old").model_copy(update={"specversion": "0.3"})
    later = [invalid, wrong_version, _response("reject"), _response("r3")]
    _send(bus, RESPONSE_SUBMITTED.topic, *(e.to_bytes() for e in later))
    worker.consume_once()

    with Session(engine) as session:
        assert set(session.scalars(select(seen.c.event_id))) == {"r1", "r2", "r3"}
    reasons = [dict(m.headers)["dlq.reason"].decode() for m in bus.topic_messages(dead_letter_topic("payloads"))]
    assert len(reasons) == 3
    assert any("invalid data" in r and "round_id" in r for r in reasons)
    assert any("specversion" in r for r in reasons)
    assert any("refused" in r for r in reasons)


def test_a_transaction_of_several_polls_sums_counters_once_and_isolates_a_poisoned_message(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}", "test")
    metadata.create_all(engine)
    bus = InProcessBus()
    writes: list[int] = []

    class Count:
        def __init__(self) -> None:
            self.n = 0

        def write(self, session: Session) -> None:
            writes.append(self.n)
            session.execute(insert(seen).values(event_id=f"total {self.n}"))

    def count(session: Session, payloads: Sequence[ResponseSubmitted]) -> None:
        if any(p.round_id == "reject" for p in payloads):
            raise ValueError("this round is refused")
        if (pending := deferred(session, "count", Count)) is None:
            session.execute(insert(seen).values(event_id=f"total {len(payloads)}"))
        else:
            pending.n += len(payloads)

    worker = _responses_consumer(
        engine,
        bus,
        "polls",
        handlers={RESPONSE_SUBMITTED.type: lambda s, e: count(s, [ResponseSubmitted.model_validate(e.data)])},
        batch_handlers={RESPONSE_SUBMITTED.type: PayloadBatchHandler(ResponseSubmitted, count)},
        batch_size=3,
        events_per_transaction=9,
    )
    _send(bus, RESPONSE_SUBMITTED.topic, *(_response().to_bytes() for _ in range(10)))
    assert worker.consume_once() == 9, "three polls in one transaction"
    assert writes == [9], "the counter written once, for all three"
    assert worker.consume_once() == 1

    later = [_response() for _ in range(4)]
    _send(bus, RESPONSE_SUBMITTED.topic, *(e.to_bytes() for e in later[:3]), _response("reject").to_bytes())
    _send(bus, RESPONSE_SUBMITTED.topic, later[3].to_bytes())
    assert worker.consume_once() == 5
    assert writes == [9, 1], "the transaction met the poisoned message in its second poll and was rolled back"
    with Session(engine) as session:
        totals = list(session.scalars(select(seen.c.event_id)))
    assert totals == ["total 9", "total 1", "total 1", "total 1", "total 1", "total 1"]
    assert len(bus.topic_messages(dead_letter_topic("polls"))) == 1
