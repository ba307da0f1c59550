"""The transactional outbox on real PostgreSQL, and the relay publishing to real Kafka."""

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import ConfigResource, ConfigResourceType
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from insikt_common import clock
from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.db import make_engine, make_sessions
from insikt_common.messaging.kafka_bus import KafkaBus
from insikt_common.messaging.relay import OutboxRelay, next_batch
from survey_api.access.gate import Gate
from survey_api.access.throttle import Throttle
from survey_api.models import outbox
from survey_api.questionnaires import service as questionnaires
from survey_api.questionnaires.schemas import QuestionnaireCreate
from survey_api.responses import service as responses
from survey_api.responses.models import Response
from survey_api.responses.schemas import ResponseSubmit
from survey_api.rounds import service as rounds
from survey_api.rounds.models import RoundUnit
from survey_api.rounds.schemas import RoundCreate
from survey_api.units import service as units
from survey_api.units.schemas import UnitUpsert
from tests.infra import ServiceDatabase, migrated_engine


@pytest.fixture(scope="module")
def engine(service_db: ServiceDatabase) -> Iterator[Engine]:
    with migrated_engine(service_db, "survey-api") as engine:
        yield engine


@pytest.fixture(scope="module")
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessions(engine)


@pytest.fixture(scope="module")
def round_id(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        questionnaire = questionnaires.create(
            session,
            "org-outbox",
            QuestionnaireCreate.model_validate(
                {
                    "title": "T",
                    "item": [
                        {
                            "linkId": "q1",
                            "text": "Nöjd?",
                            "type": "choice",
                            "answerOption": [{"code": "1", "display": "Ja", "positive": True}],
                        }
                    ],
                }
            ),
        )
        questionnaires.publish(session, "org-outbox", questionnaire.id)
        units.upsert(session, "org-outbox", "U-OUTBOX", UnitUpsert(name="Enhet", type="hvb", municipality_code="0580"))
        today = clock.today()
        return rounds.open_round(
            session,
            "org-outbox",
            RoundCreate(
                title="R",
                questionnaire_id=questionnaire.id,
                unit_ids=["U-OUTBOX"],
                opens_on=today - timedelta(days=1),
                closes_on=today + timedelta(days=1),
                access_mode="open_link",
            ),
        ).id


@pytest.fixture(scope="module")
def link(sessions: sessionmaker[Session], round_id: str) -> str:
    with sessions() as session:
        return str(session.get(RoundUnit, (round_id, "U-OUTBOX")).link_token)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def gate(sessions: sessionmaker[Session]) -> Gate:
    throttle = Throttle(sessions, limit=1000, window_s=60, what="attempts", key="test-key")
    return Gate(wrong_credentials=throttle, open_links=throttle, client="integration-test")


def _submission(round_id: str, link: str) -> ResponseSubmit:
    return ResponseSubmit.model_validate(
        {
            "submission_id": str(uuid.uuid4()),
            "link": link,
            "round_id": round_id,
            "unit_id": "U-OUTBOX",
            "answers": [{"link_id": "q1", "code": "1"}],
        }
    )


def _outbox_and_responses(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(outbox)) or 0,
            session.scalar(select(func.count()).select_from(Response)) or 0,
        )


def test_response_and_its_event_commit_together(
    sessions: sessionmaker[Session], round_id: str, link: str, gate: Gate
) -> None:
    before = _outbox_and_responses(sessions)
    with sessions.begin() as session:
        responses.submit(session, _submission(round_id, link), gate, max_text=100)
    assert _outbox_and_responses(sessions) == (before[0] + 1, before[1] + 1)


def test_rolled_back_response_leaves_no_event(
    sessions: sessionmaker[Session], round_id: str, link: str, gate: Gate
) -> None:
    before = _outbox_and_responses(sessions)
    with sessions() as session:
        responses.submit(session, _submission(round_id, link), gate, max_text=100)
        session.flush()
        session.rollback()
    assert _outbox_and_responses(sessions) == before


def test_relay_publishes_every_row_to_kafka_and_marks_it_sent(
    engine: Engine,
    sessions: sessionmaker[Session],
    *,
    round_id: str,
    link: str,
    gate: Gate,
    kafka_bootstrap: str,
    topic_prefix: str,
) -> None:
    for _ in range(3):
        with sessions.begin() as session:
            responses.submit(session, _submission(round_id, link), gate, max_text=100)
    with sessions() as session:
        pending = set(
            session.scalars(
                select(outbox.c.event_id).where(
                    outbox.c.sent.is_(False), outbox.c.event_type == RESPONSE_SUBMITTED.type
                )
            )
        )
    bus = KafkaBus(kafka_bootstrap, client_id="test-relay", topic_prefix=topic_prefix)
    relay = OutboxRelay(engine, outbox, bus, service="survey-api", batch_size=2)
    try:
        while relay.publish_pending():
            pass
    finally:
        bus.close()

    assert relay.backlog() == 0
    consumer = KafkaConsumer(
        topic_prefix + RESPONSE_SUBMITTED.topic,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    delivered = {}
    for record in consumer:
        delivered[record.value] = record.key
        if len(delivered) >= len(pending):
            break
    consumer.close()
    delivered_ids = {CloudEvent.from_bytes(value).id for value in delivered}
    assert delivered_ids == pending
    assert set(delivered.values()) == {b"U-OUTBOX"}
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    topic = topic_prefix + RESPONSE_SUBMITTED.topic
    configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    admin.close()
    assert configs["topic"][topic]["retention.ms"]["value"] == "-1", "events are kept for rebuilds"


def test_relay_reads_only_unsent_rows_however_many_sent_rows_are_kept(
    engine: Engine, service_db: ServiceDatabase
) -> None:
    """Sent rows stay a week: the relay's next batch must come from the index of unsent rows, not
    from reading every kept row again on each batch (a cost that grows with the week's traffic).
    As the schema's owner: only the owner may ANALYZE the table (autovacuum does, in service)."""
    kept = [
        {
            "event_id": f"sent-{uuid.uuid4()}",
            "event_type": RESPONSE_SUBMITTED.type,
            "topic": RESPONSE_SUBMITTED.topic,
            "message_key": "U-OUTBOX",
            "payload": b"{}",
            "sent": True,
            "sent_on": clock.today(),
        }
        for _ in range(5000)
    ]
    owner = make_engine(service_db.owner_url_for("survey-api"), "survey")
    with owner.connect() as conn:  # rolled back: the module's other tests count the outbox's rows
        conn.execute(insert(outbox), kept)
        conn.execute(text(f"ANALYZE {outbox.schema}.{outbox.name}"))
        claim = next_batch(outbox, 500).compile(engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(conn.execute(text(f"EXPLAIN {claim}")).scalars())
        conn.rollback()
    owner.dispose()

    assert "ix_outbox_message_unsent" in plan, plan
    assert "Seq Scan" not in plan, plan
