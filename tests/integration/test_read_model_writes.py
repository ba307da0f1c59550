"""reporting's read-model writes on real PostgreSQL: a run of events in one statement per table
gives the rows the events give one at a time, and the migration to one row per response keeps the
answers already there."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, literal_column, select, text
from sqlalchemy.orm import Session

from insikt_common.contracts.catalogue import UNIT_UPSERTED, parse_payload
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.contracts.survey import ResponseSubmitted, UnitUpserted
from insikt_common.contracts.units import UnitRef
from insikt_common.db import make_engine, make_sessions
from insikt_common.messaging.deferred import deferring
from insikt_common.migrations import downgrade, upgrade
from reporting import prestart
from reporting.directory.models import UnitEntry
from reporting.projection import table_of
from reporting.survey_results import projection
from reporting.survey_results.models import AnswerCount, Comment, ResponseEntry, RoundUnitTotal
from tests.infra import ServiceDatabase, create_service_database, drop_database, migrated_engine
from tests.integration.events import event, response


@pytest.fixture(scope="module")
def engine(service_db: ServiceDatabase) -> Iterator[Engine]:
    with migrated_engine(service_db, "reporting") as engine:
        yield engine


def _unit(suffix: str, name: str = "Enhet", organisation_id: str | None = "org-test") -> UnitRef:
    return UnitRef(id=f"U-{suffix}", name=name, type="hvb", municipality_code="0580", organisation_id=organisation_id)


def _responses(round_id: str, a: UnitRef, b: UnitRef) -> list[CloudEvent]:
    return [
        response(round_id, a, {"kon": "K", "q1": "1", "betyg": 8.0}),
        response(round_id, a, {"kon": "M", "q1": "1", "betyg": 7.5, "ovrigt": 'text: "Citat", \\ och å '}),
        response(round_id, a, {"kon": "K", "q1": "3", "ovrigt": "text:   "}),
        response(round_id, b, {"q1": "9", "ovrigt": "text:{bra}"}),
    ]


def _apply(session: Session, events: list[CloudEvent]) -> None:
    projection.apply_responses(session, [parse_payload(e, ResponseSubmitted) for e in events])


def _rows(session: Session, round_id: str) -> dict[str, Any]:
    def of(model: Any, *columns: str) -> list[tuple[Any, ...]]:
        table = table_of(model)
        statement = select(*(table.c[c] for c in columns)).where(table.c.round_id == round_id)
        return [tuple(row) for row in session.execute(statement)]

    return {
        "totals": sorted(of(RoundUnitTotal, "unit_id", "responses")),
        "counts": sorted(of(AnswerCount, "unit_id", "link_id", "answer", "count")),
        "entries": sorted(
            (unit_id, sorted(answers.items())) for unit_id, answers in of(ResponseEntry, "unit_id", "answers")
        ),
        "comments": sorted(of(Comment, "unit_id", "link_id", "text")),
    }


def test_a_run_of_responses_gives_the_rows_its_events_give_one_at_a_time(engine: Engine) -> None:
    suffix = uuid.uuid4().hex[:6]
    a, b = _unit(f"A{suffix}"), _unit(f"B{suffix}")
    in_one_go, one_by_one, deferred = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        _apply(session, _responses(in_one_go, a, b))
    with sessions.begin() as session:
        for e in _responses(one_by_one, a, b):
            projection.on_response_submitted(session, e)
    with sessions.begin() as session, deferring(session):  # as the consumer applies several polls
        polls = _responses(deferred, a, b)
        _apply(session, polls[:2])
        _apply(session, polls[2:])

    with sessions() as session:
        rows = _rows(session, in_one_go)
        assert rows == _rows(session, one_by_one)
        assert rows == _rows(session, deferred)
    assert rows["totals"] == [(a.id, 3), (b.id, 1)]
    assert rows["counts"] == [
        (a.id, "betyg", "7.5", 1),
        (a.id, "betyg", "8", 1),
        (a.id, "kon", "K", 2),
        (a.id, "kon", "M", 1),
        (a.id, "q1", "1", 2),
        (a.id, "q1", "3", 1),
        (b.id, "q1", "9", 1),
    ]
    assert rows["entries"] == [
        (a.id, [("betyg", "7.5"), ("kon", "M"), ("q1", "1")]),
        (a.id, [("betyg", "8"), ("kon", "K"), ("q1", "1")]),
        (a.id, [("kon", "K"), ("q1", "3")]),
        (b.id, [("q1", "9")]),
    ]
    assert rows["comments"] == [(a.id, "ovrigt", '"Citat", \\ och å'), (b.id, "ovrigt", "{bra}")]


def test_a_second_run_adds_to_the_counters(engine: Engine) -> None:
    suffix = uuid.uuid4().hex[:6]
    a, b = _unit(f"A{suffix}"), _unit(f"B{suffix}")
    round_id = str(uuid.uuid4())
    sessions = make_sessions(engine)
    for _ in range(2):
        with sessions.begin() as session:
            _apply(session, _responses(round_id, a, b))

    with sessions() as session:
        rows = _rows(session, round_id)
    assert rows["totals"] == [(a.id, 6), (b.id, 2)]
    assert (a.id, "q1", "1", 4) in rows["counts"]
    assert len(rows["entries"]) == 8


def test_units_met_in_one_run_keep_their_latest_name_and_a_known_organisation(engine: Engine) -> None:
    suffix = uuid.uuid4().hex[:6]
    known = _unit(suffix, name="Gamla namnet", organisation_id="org-known")
    renamed = _unit(suffix, name="Nya namnet", organisation_id=None)
    later = _unit(f"L{suffix}", name="Utan organisation", organisation_id=None)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        projection.on_unit_upserted(session, event(UNIT_UPSERTED, UnitUpserted(unit=known)))
    round_id = str(uuid.uuid4())
    with sessions.begin() as session:
        _apply(session, [response(round_id, known, {"q1": "1"}), response(round_id, renamed, {"q1": "2"})])
        _apply(session, [response(round_id, renamed, {"q1": "2"}), response(round_id, later, {"q1": "2"})])

    with sessions() as session:
        stored = session.get(UnitEntry, known.id)
        assert stored is not None and (stored.name, stored.organisation_id) == ("Nya namnet", "org-known")
        stored = session.get(UnitEntry, later.id)
        assert stored is not None and (stored.name, stored.organisation_id) == ("Utan organisation", None)


def test_the_migration_to_one_row_per_response_keeps_the_answers_both_ways(pg_admin_url: str) -> None:
    database = create_service_database(pg_admin_url)
    url = database.owner_url_for("reporting")  # migrations, and rows of tables the service never has
    engine = make_engine(url, "reporting")
    answers = [("r1", "q1", "1"), ("r1", "kon", "K"), ("r2", "q1", "3")]
    try:
        upgrade(prestart.MIGRATIONS, url, "0002")
        with engine.begin() as connection:
            for response_id, link_id, answer in answers:
                connection.execute(
                    text(
                        "INSERT INTO reporting.response_answer (response_id, link_id, round_id, unit_id, answer) "
                        "VALUES (:r, :l, 'round', 'U1', :a)"
                    ),
                    {"r": response_id, "l": link_id, "a": answer},
                )
        upgrade(prestart.MIGRATIONS, url)
        with engine.connect() as connection:
            entries = connection.execute(
                text("SELECT response_id, round_id, unit_id, answers FROM reporting.response_entry")
            ).all()
        assert sorted(tuple(row) for row in entries) == [
            ("r1", "round", "U1", {"q1": "1", "kon": "K"}),
            ("r2", "round", "U1", {"q1": "3"}),
        ]

        downgrade(prestart.MIGRATIONS, url, "0002")
        with engine.connect() as connection:
            back = connection.execute(text("SELECT response_id, link_id, answer FROM reporting.response_answer")).all()
        assert sorted(tuple(row) for row in back) == sorted(answers)
    finally:
        engine.dispose()
        drop_database(pg_admin_url, database.name)


def test_a_unit_met_again_unchanged_keeps_its_row_version(engine: Engine) -> None:
    """Reports keep a round's tables while its rows keep their versions: a response at a unit must
    not make every round of that unit look changed."""
    unit = _unit(uuid.uuid4().hex[:6])
    sessions = make_sessions(engine)

    def row_version() -> str:
        with sessions() as session:
            table = table_of(UnitEntry)
            return str(session.execute(select(literal_column("xmin")).where(table.c.id == unit.id)).scalar())

    with sessions.begin() as session:
        _apply(session, [response(str(uuid.uuid4()), unit, {"q1": "1"})])
    before = row_version()
    with sessions.begin() as session:
        _apply(session, [response(str(uuid.uuid4()), unit, {"q1": "2"})])
    assert row_version() == before
    with sessions.begin() as session:
        _apply(session, [response(str(uuid.uuid4()), _unit(unit.id[2:], name="Nytt namn"), {"q1": "2"})])
    assert row_version() != before
