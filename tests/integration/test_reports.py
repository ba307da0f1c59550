"""reporting's read models and reports on real Kafka and PostgreSQL, fed with every kind of event:
the numbers worked out by hand, a rebuild from the topics, duplicates, erasure."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from insikt_common import clock
from insikt_common.auth import Principal, Role
from insikt_common.contracts.catalogue import (
    ASSESSMENT_CORRECTED,
    ASSESSMENT_RECORDED,
    CODES_ISSUED,
    GOAL_SET,
    GOAL_UPDATED,
    INSTRUMENT_PUBLISHED,
    INTERVENTION_ENDED,
    INTERVENTION_STARTED,
    PARTICIPANT_ERASED,
    PARTICIPANT_REGISTERED,
    ROUND_CLOSED,
    UNIT_UPSERTED,
    EventSpec,
    key_of,
    spec_for_type,
)
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.outcome import (
    AreaScore,
    AssessmentCorrected,
    AssessmentRecorded,
    GoalChanged,
    InstrumentArea,
    InstrumentPublished,
    InterventionEnded,
    InterventionStarted,
    ParticipantErased,
    ParticipantRegistered,
)
from insikt_common.contracts.survey import (
    CodesIssued,
    OptionDefinition,
    QuestionDefinition,
    RoundClosed,
    UnitUpserted,
)
from insikt_common.contracts.units import UnitRef
from insikt_common.db import make_sessions
from insikt_common.errors import NotFound
from insikt_common.messaging.bus import OutgoingMessage
from insikt_common.messaging.consumer import EventConsumer
from insikt_common.messaging.kafka_bus import KafkaBus
from reporting.admin.rebuild import rebuild
from reporting.main import CONSUMER
from reporting.outcomes import service as outcomes
from reporting.outcomes.models import AssessmentEntry, GoalEntry, InterventionEntry, ParticipantEntry
from reporting.survey_results import service as surveys
from reporting.survey_results.tables_cache import TablesCache
from tests.infra import ServiceDatabase, migrated_engine
from tests.integration.events import (
    GENDER,
    SCALE,
    event,
    participant_joined,
    questionnaire_published,
    response,
    round_opened,
)

ORG = "org-test"
ADMIN = Principal(subject="t", organisation_id=ORG, roles=frozenset({Role.ADMIN}), unit_ids=frozenset())


@pytest.fixture(scope="module")
def engine(service_db: ServiceDatabase) -> Iterator[Engine]:
    with migrated_engine(service_db, "reporting") as engine:
        yield engine


@pytest.fixture
def bus(kafka_bootstrap: str, topic_prefix: str) -> Iterator[KafkaBus]:
    bus = KafkaBus(kafka_bootstrap, client_id="test-reports", topic_prefix=topic_prefix, partitions=3)
    bus.ensure_topics(CONSUMER.topics)
    yield bus
    bus.close()


@pytest.fixture
def consumer(engine: Engine, bus: KafkaBus, topic_prefix: str) -> Iterator[EventConsumer]:
    consumer = EventConsumer(
        sessions=make_sessions(engine),
        inbox=CONSUMER.inbox,
        bus=bus,
        group=f"{CONSUMER.group}-{topic_prefix}",
        topics=CONSUMER.topics,
        handlers=CONSUMER.handlers,
        poll_timeout_s=0.2,
    )
    yield consumer
    consumer.stop()


def _publish(bus: KafkaBus, events: list[CloudEvent]) -> None:
    messages = []
    for e in events:
        spec = spec_for_type(e.type)
        payload = spec.payload.model_validate(e.data)
        messages.append(OutgoingMessage(topic=spec.topic, key=key_of(spec, payload), value=e.to_bytes()))
    bus.publish(messages)


def _consume_until(consumer: EventConsumer, done: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "the consumer did not get there in time"
        consumer.consume_once()


def _read(engine: Engine, read: Callable[[Session], BaseModel]) -> dict[str, Any] | None:
    with make_sessions(engine)() as session:
        try:
            return read(session).model_dump(mode="json")
        except NotFound:
            return None


def _e(spec: EventSpec, payload: BaseModel) -> CloudEvent:
    return event(spec, payload)


# --- surveys -----------------------------------------------------------------------------------

RATING = [
    OptionDefinition(code=str(i), order=i, label_sv=str(i), value=float(i), positive=i >= 8) for i in range(1, 11)
]


def _survey_events(round_id: str, questionnaire_id: str, suffix: str) -> tuple[list[CloudEvent], dict[str, UnitRef]]:
    units = {
        name: UnitRef(
            id=f"{name}-{suffix}", name=f"Enhet {name}", type="hvb", municipality_code=code, organisation_id=ORG
        )
        for name, code in (("A", "0580"), ("B", "0580"), ("C", "0580"), ("D", "0581"))
    }
    items = [
        QuestionDefinition(link_id="bemotande", kind="choice", text_sv="Bemötande", area="bemotande", options=SCALE),
        QuestionDefinition(link_id="betyg", kind="rating", text_sv="Betyg", options=RATING),
        QuestionDefinition(link_id="kon", kind="background_gender", text_sv="Kön", options=GENDER),
        QuestionDefinition(link_id="kommentar", kind="free_text", text_sv="Övrigt"),
    ]
    events = [
        questionnaire_published(questionnaire_id, items),
        *(_e(UNIT_UPSERTED, UnitUpserted(unit=u)) for u in units.values()),
        round_opened(round_id, questionnaire_id, [u.id for u in units.values()], organisation_id=ORG),
        _e(CODES_ISSUED, CodesIssued(round_id=round_id, unit_id=units["A"].id, count=40, issued_on=clock.today())),
    ]

    def answer(unit: str, answers: dict[str, str | float], times: int) -> None:
        events.extend(response(round_id, units[unit], answers, questionnaire_id) for _ in range(times))

    # A, 24 responses. Women: 8 × 1 and 4 × 2 (12 of 12 positive), rating 8.
    answer("A", {"kon": "K", "bemotande": "1", "betyg": "8"}, 8)
    answer("A", {"kon": "K", "bemotande": "2", "betyg": "8"}, 4)
    # Men: 2 × 2, 5 × 3, 5 × Vet inte (2 of 7 positive), rating 6.
    answer("A", {"kon": "M", "bemotande": "2", "betyg": "6"}, 2)
    answer("A", {"kon": "M", "bemotande": "3", "betyg": "6"}, 5)
    answer("A", {"kon": "M", "bemotande": "9", "betyg": "6"}, 4)
    answer("A", {"kon": "M", "bemotande": "9", "betyg": "6", "kommentar": "text:Ärlig personal"}, 1)
    events.append(response(round_id, units["A"], {"kon": "K", "kommentar": "text:bra mat"}, questionnaire_id))
    # That last one answered only kön and the comment: A has 25 responses, 24 answers to bemötande.
    # B's 2 beside C's 3: a 0 there could not protect C's 3 (see test_tabulation).
    answer("B", {"bemotande": "1"}, 2)
    answer("B", {"bemotande": "2"}, 1)
    answer("C", {"bemotande": "1"}, 5)
    answer("C", {"bemotande": "2"}, 3)
    answer("D", {"bemotande": "1"}, 10)
    events.append(_e(ROUND_CLOSED, RoundClosed(round_id=round_id, closed_on=clock.today())))
    return events, units


def _marks(body: object) -> set[str]:
    """Every ``suppressed`` value in a report."""
    if isinstance(body, dict):
        own = {body["suppressed"]} if isinstance(body.get("suppressed"), str) else set()
        return own.union(*(_marks(v) for v in body.values()))
    if isinstance(body, list):
        return set().union(*(_marks(v) for v in body))
    return set()


def test_survey_reports_have_the_hand_worked_numbers_and_survive_a_rebuild_and_duplicates(
    engine: Engine, bus: KafkaBus, consumer: EventConsumer
) -> None:
    suffix = uuid.uuid4().hex[:6]
    round_id, questionnaire_id = str(uuid.uuid4()), f"q-{suffix}"
    events, units = _survey_events(round_id, questionnaire_id, suffix)
    _publish(bus, events)
    a, d = units["A"].id, units["D"].id

    def unit_report(session: Session, unit_id: str = a) -> BaseModel:
        return surveys.unit_report(session, round_id, unit_id, 5, ADMIN)

    def complete() -> bool:
        report = _read(engine, lambda s: unit_report(s, d))
        closed = _read(engine, unit_report)
        return bool(report and report["responses"]["value"] == 10 and closed and closed["round"]["closed_on"])

    _consume_until(consumer, complete)
    report = _read(engine, unit_report)
    assert report is not None
    assert report["responses"] == {"value": 25, "suppressed": None}
    assert report["response_rate"] == {"percent": 62.5, "codes_issued": 40, "suppressed": None}
    bemotande = next(q for q in report["questions"] if q["link_id"] == "bemotande")
    assert bemotande["n"]["value"] == 24
    assert {r["answer"]: r["count"]["value"] for r in bemotande["answers"]} == {"1": 8, "2": 6, "3": 5, "9": 5}
    # 14 positive of 19 substantive: 73.7 %, Wilson 51.2–88.2.
    assert bemotande["share_positive"] == {
        "percent": 73.7,
        "interval": {"low": 51.2, "high": 88.2},
        "positive": 14,
        "denominator": 19,
        "suppressed": None,
    }
    comparisons = {c["level"]: c for c in bemotande["comparisons"]}
    # Municipality 0580: A + B + C = 8+2+5 + 6+1+3 positive = 25 of 24 + 3 + 8 = 35 answers, 30 substantive.
    assert comparisons["municipality"]["share_positive"]["positive"] == 25
    assert comparisons["municipality"]["share_positive"]["denominator"] == 30
    assert comparisons["municipality"]["difference"]["points"] == -9.6
    # Riket (every hvb unit of the questionnaire): 25 + 10 positive of 40.
    assert comparisons["riket"]["share_positive"]["percent"] == 87.5
    # By gender: women 12 of 12, men 2 of 7.
    (by_gender,) = bemotande["breakdowns"]
    assert [(g["answer"], g["n"], g["share_positive"]["percent"]) for g in by_gender["groups"]] == [
        ("K", 12, 100.0),
        ("M", 7, 28.6),
    ]
    betyg = next(q for q in report["questions"] if q["link_id"] == "betyg")
    # 12 × 8 and 12 × 6: mean 7, sd √(24/23) = 1.02, t(23) = 2.069 -> 7 ± 0.43.
    assert betyg["mean"] == {"value": 7.0, "sd": 1.02, "interval": {"low": 6.57, "high": 7.43}, "suppressed": None}
    (area,) = report["areas"]
    assert area["area"] == "bemotande" and area["index"]["percent"] == 73.7
    assert report["comments"] == [{"link_id": "kommentar", "text": "Övrigt", "comments": ["bra mat", "Ärlig personal"]}]

    # B has 3 responses: withheld, and C (the smallest sibling in 0580) goes with it.
    roll_up = _read(
        engine, lambda s: surveys.roll_up_report(s, round_id, ("municipality", "0580"), default_k=5, principal=ADMIN)
    )
    assert roll_up is not None
    assert roll_up["responses"]["value"] == 36
    assert {u["unit_id"]: u["responses"] for u in roll_up["units"]} == {
        a: {"value": 25, "suppressed": None},
        units["B"].id: {"value": None, "suppressed": "withheld"},
        units["C"].id: {"value": None, "suppressed": "withheld"},
    }
    # Why a number is withheld is not told: which counts are small would let sums be combined.
    assert _marks(roll_up) == {"withheld"}

    with make_sessions(engine)() as session:
        listed = {
            row.unit_id: row.responses.value for row in surveys.summaries(session, 5, ADMIN) if row.round_id == round_id
        }
    assert listed == {a: 25, units["B"].id: None, units["C"].id: None, d: 10}  # as withheld as in the roll-up

    before = _snapshot(engine, round_id, units)
    rebuilt = rebuild(make_sessions(engine), bus, CONSUMER, quiet_s=3, batch_size=7, events_per_transaction=30)
    assert rebuilt.events_read >= len(events)
    assert _snapshot(engine, round_id, units) == before

    _publish(bus, events[:10] + events[-5:])  # delivered again
    for _ in range(10):
        consumer.consume_once()
    assert _snapshot(engine, round_id, units) == before


def _snapshot(engine: Engine, round_id: str, units: dict[str, UnitRef]) -> list[dict[str, Any] | None]:
    return [
        *(
            _read(engine, partial(surveys.unit_report, round_id=round_id, unit_id=u.id, default_k=5, principal=ADMIN))
            for u in units.values()
        ),
        _read(
            engine,
            lambda s: surveys.roll_up_report(s, round_id, ("municipality", "0580"), default_k=5, principal=ADMIN),
        ),
        _read(
            engine, lambda s: surveys.roll_up_report(s, round_id, ("unit_type", "hvb"), default_k=5, principal=ADMIN)
        ),
    ]


def _reports(engine: Engine, round_id: str, units: dict[str, UnitRef], cache: TablesCache | None) -> list[Any]:
    """Every report of the round, and the summaries list, as a client would read them."""

    def summaries(session: Session) -> list[dict[str, Any]]:
        listed = surveys.summaries(session, 5, ADMIN, cache=cache)
        return [row.model_dump(mode="json") for row in listed if row.round_id == round_id]

    reports: list[Any] = [
        _read(
            engine,
            partial(surveys.unit_report, round_id=round_id, unit_id=u.id, default_k=5, principal=ADMIN, cache=cache),
        )
        for u in units.values()
    ]
    for level in (("municipality", "0580"), ("municipality", "0581"), ("unit_type", "hvb")):
        reports.append(
            _read(
                engine,
                partial(
                    surveys.roll_up_report, round_id=round_id, level=level, default_k=5, principal=ADMIN, cache=cache
                ),
            )
        )
    with make_sessions(engine)() as session:
        reports.append(summaries(session))
    return reports


def _comparison(report: dict[str, Any] | None, link_id: str, level: str) -> dict[str, Any]:
    assert report is not None
    question = next(q for q in report["questions"] if q["link_id"] == link_id)
    found: dict[str, Any] = next(c for c in question["comparisons"] if c["level"] == level)
    return found


def test_kept_tables_give_the_same_reports_and_never_outlive_the_events_applied_after_them(
    engine: Engine, bus: KafkaBus, consumer: EventConsumer
) -> None:
    suffix = uuid.uuid4().hex[:6]
    round_id, questionnaire_id = str(uuid.uuid4()), f"q-{suffix}"
    events, units = _survey_events(round_id, questionnaire_id, suffix)
    _publish(bus, events)
    a, b = units["A"].id, units["B"].id

    def responses_of(unit_id: str, in_round: str = round_id) -> int | None:
        report = _read(engine, lambda s: surveys.unit_report(s, in_round, unit_id, 5, ADMIN))
        return report["responses"]["value"] if report else None

    _consume_until(consumer, lambda: responses_of(units["D"].id) == 10)
    cache = TablesCache()
    uncached = _reports(engine, round_id, units, None)
    assert _reports(engine, round_id, units, cache) == uncached
    assert len(cache) >= 2  # the round's tables and riket's
    assert _reports(engine, round_id, units, cache) == uncached  # now from what was kept
    assert uncached[1]["responses"] == {"value": None, "suppressed": "withheld"}  # B: 3 responses

    # Two more responses for B: 5, shown, in every report asked for after they were applied.
    _publish(bus, [response(round_id, units["B"], {"bemotande": "1"}, questionnaire_id) for _ in range(2)])
    _consume_until(consumer, lambda: responses_of(b) == 5)
    after = _reports(engine, round_id, units, cache)
    assert after[1]["responses"] == {"value": 5, "suppressed": None}
    assert after == _reports(engine, round_id, units, None)

    # Another round of the questionnaire in the same year changes riket in this round's reports:
    # 10 more hvb responses, none positive, so 37 positive of 52 (71.2 %) instead of 37 of 42.
    assert _comparison(after[0], "bemotande", "riket")["share_positive"]["percent"] == 88.1
    other_round = str(uuid.uuid4())
    other = UnitRef(id=f"E-{suffix}", name="Enhet E", type="hvb", municipality_code="1480", organisation_id=ORG)
    _publish(
        bus,
        [
            _e(UNIT_UPSERTED, UnitUpserted(unit=other)),
            round_opened(other_round, questionnaire_id, [other.id], organisation_id=ORG),
            *(response(other_round, other, {"bemotande": "3"}, questionnaire_id) for _ in range(10)),
        ],
    )
    _consume_until(consumer, lambda: responses_of(other.id, other_round) == 10)
    report_a = _read(engine, lambda s: surveys.unit_report(s, round_id, a, 5, ADMIN, cache=cache))
    assert _comparison(report_a, "bemotande", "riket")["share_positive"]["percent"] == 71.2
    assert report_a == _read(engine, lambda s: surveys.unit_report(s, round_id, a, 5, ADMIN))


# --- outcomes ----------------------------------------------------------------------------------


def _outcome_events(unit: UnitRef) -> tuple[list[CloudEvent], list[CloudEvent]]:
    """Ten participants who stay, and one who is erased."""
    instrument = InstrumentPublished(
        instrument_id=f"i-{unit.id}",
        version=1,
        title="Livssituation",
        areas=[InstrumentArea(code="boende", label_sv="Boende")],
        scale_min=1,
        scale_max=10,
        direction="higher_is_better",
        step=1,
    )
    start = date(2026, 1, 1)
    events = [_e(INSTRUMENT_PUBLISHED, instrument)]
    erased: list[CloudEvent] = []
    for i in range(11):
        pid = f"{unit.id}-p{i}"
        own: list[CloudEvent] = []
        own.append(
            _e(
                PARTICIPANT_REGISTERED,
                ParticipantRegistered(
                    participant_id=pid, organisation_id=ORG, unit=unit, birth_year=1990, gender="female"
                ),
            )
        )

        def assessment(
            occasion: str, score: float, on: date, aid: str | None = None, pid: str = pid
        ) -> AssessmentRecorded:
            return AssessmentRecorded(
                assessment_id=aid or str(uuid.uuid4()),
                participant_id=pid,
                organisation_id=ORG,
                unit_id=unit.id,
                instrument_id=instrument.instrument_id,
                instrument_version=1,
                occasion=occasion,
                rater="self",
                assessed_on=on,
                scores=[AreaScore(area="boende", score=score)],
            )

        # Baseline 5 for all; follow-up 7 for five of them (improved), 5 for the other five (unchanged).
        own.append(_e(ASSESSMENT_RECORDED, assessment("baseline", 1 if i == 10 else 5, start)))
        follow_up = assessment("follow_up", 10 if i == 10 else (7 if i < 5 else 9), start + timedelta(days=90))
        own.append(_e(ASSESSMENT_RECORDED, follow_up))
        if i >= 5:  # recorded as 9 by mistake, corrected to 5
            corrected = AssessmentCorrected(**follow_up.model_dump() | {"scores": [AreaScore(area="boende", score=5)]})
            own.append(_e(ASSESSMENT_CORRECTED, corrected))
        goal = GoalChanged(
            goal_id=f"{pid}-g",
            participant_id=pid,
            organisation_id=ORG,
            unit_id=unit.id,
            area="boende",
            status="active",
            changed_on=start,
        )
        own.append(_e(GOAL_SET, goal))
        own.append(
            _e(
                GOAL_UPDATED,
                goal.model_copy(update={"attainment": 1 if i < 5 else 0, "changed_on": start + timedelta(days=90)}),
            )
        )
        intervention = f"{pid}-x"
        own.append(
            _e(
                INTERVENTION_STARTED,
                InterventionStarted(
                    intervention_id=intervention,
                    participant_id=pid,
                    organisation_id=ORG,
                    unit_id=unit.id,
                    kind="hvb-placering",
                    referring_municipality_code="0580",
                    started_on=start,
                ),
            )
        )
        if i < 6 or i == 10:
            ending = "unplanned" if i in (5, 10) else "planned"
            own.append(
                _e(
                    INTERVENTION_ENDED,
                    InterventionEnded(
                        intervention_id=intervention,
                        participant_id=pid,
                        organisation_id=ORG,
                        unit_id=unit.id,
                        started_on=start,
                        ended_on=start + timedelta(days=30 + 10 * i),
                        ending=ending,
                    ),
                )
            )
        events.extend(own)
        if i == 10:
            erased.append(_e(PARTICIPANT_ERASED, ParticipantErased(participant_id=pid, organisation_id=ORG)))
    return events, erased


def test_outcome_report_counts_change_goals_and_endings_and_forgets_the_erased(
    engine: Engine, bus: KafkaBus, consumer: EventConsumer, service_db: ServiceDatabase, kafka_bootstrap: str
) -> None:
    unit = UnitRef(
        id=f"OU-{uuid.uuid4().hex[:6]}",
        name="Behandlingshem",
        type="hvb",
        municipality_code="0580",
        organisation_id=ORG,
    )
    events, erasure = _outcome_events(unit)
    _publish(bus, events)

    def report(session: Session) -> BaseModel:
        return outcomes.unit_report(session, unit.id, 5, ADMIN)

    def participants(n: int) -> Callable[[], bool]:
        def check() -> bool:
            body = _read(engine, report)
            return bool(body and body["participants"]["value"] == n)

        return check

    _consume_until(consumer, participants(11))
    before_erasure = _read(engine, report)
    assert before_erasure is not None
    # Seven ended: five planned, two unplanned (withheld, with the smallest sibling that is not 0).
    endings = {name: cell["value"] for name, cell in before_erasure["endings"].items() if isinstance(cell, dict)}
    assert endings == {"ended": 7, "planned": None, "unplanned": None, "moved": 0, "other": 0}
    _publish(bus, erasure)
    _consume_until(consumer, participants(10))
    body = _read(engine, report)
    assert body is not None
    (change,) = body["changes"]
    # Change: +2 for five, 0 for five: mean 1, sd √(10/9), t(9) = 2.262 -> 1 ± 0.75.
    assert change | {"instrument_id": None} == {
        "instrument_id": None,
        "area": "boende",
        "participants": {"value": 10, "suppressed": None},
        "mean_baseline": 5.0,
        "mean_latest": 6.0,
        "mean_change": 1.0,
        "change_interval": {"low": 0.25, "high": 1.75},
        "threshold": 1.0,
        "improved": {"value": 5, "suppressed": None},
        "unchanged": {"value": 5, "suppressed": None},
        "worse": {"value": 0, "suppressed": None},
        "share_improved": 50.0,
        "share_unchanged": 50.0,
        "share_worse": 0.0,
    }
    # GAS: one goal each, +1 (T = 60) for five and 0 (T = 50) for five: mean 55, sd √(250/9).
    assert body["goals"] == {
        "participants": {"value": 10, "suppressed": None},
        "mean_t_score": 55.0,
        "t_score_interval": {"low": 51.2, "high": 58.8},
    }
    # Six ended after 30, 40, …, 80 days: five planned, one unplanned. Counts are withheld as if a
    # reader knew why: withholding the 1 with the 5 would leave a sum of 6 that only 1 + 5 fits (a
    # complementary count is 0 or at least k), and a withheld 0 beside it would give 6 − 5 = 1 away:
    # the total goes too, and the median with it.
    assert body["endings"] == {
        "ended": {"value": None, "suppressed": "withheld"},
        "planned": {"value": None, "suppressed": "withheld"},
        "unplanned": {"value": None, "suppressed": "withheld"},
        "moved": {"value": 0, "suppressed": None},
        "other": {"value": 0, "suppressed": None},
        "median_days_in_intervention": None,
    }
    with make_sessions(engine)() as session:
        left = [
            row
            for model in (ParticipantEntry, AssessmentEntry, GoalEntry, InterventionEntry)
            for row in session.scalars(select(model).where(_participant_column(model) == f"{unit.id}-p10"))
        ]
    assert left == []

    before = _read(engine, report)
    # reporting-rebuild as operations run it, its two workers splitting the topics' three partitions.
    env = {
        **os.environ,
        "REPORTING_DATABASE_URL": service_db.url_for("reporting"),
        "REPORTING_BUS": "kafka",
        "REPORTING_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "REPORTING_KAFKA_TOPIC_PREFIX": bus.full_topic(""),
    }
    command = [sys.executable, "-m", "reporting.admin.command", "--quiet-seconds", "3", "--workers", "2"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 workers" in done.stdout
    assert _read(engine, report) == before

    # Two more participants, in another programme: the unit's 12 minus the hvb programme's 10 would
    # give the other programme's 2 away, so the programme report withholds its participant count.
    others = [e for i in (20, 21) for e in participant_joined(f"{unit.id}-p{i}", unit, "öppenvård", gender="male")]
    _publish(bus, others)
    _consume_until(consumer, lambda: (_read(engine, report) or {}).get("participants", {}).get("value") == 12)
    programme = _read(engine, lambda s: outcomes.unit_report(s, unit.id, 5, ADMIN, programme="hvb-placering"))
    assert programme is not None
    assert programme["participants"] == {"value": None, "suppressed": "withheld"}
    assert programme["changes"][0]["participants"] == {"value": 10, "suppressed": None}  # the other two have none


def _participant_column(model: type[ParticipantEntry | AssessmentEntry | GoalEntry | InterventionEntry]) -> Any:
    return model.id if issubclass(model, ParticipantEntry) else model.participant_id


_ = sessionmaker
