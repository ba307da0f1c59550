"""survey-api on real PostgreSQL: migrations both ways, the lockout counter, and what rows reveal."""

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from insikt_common import clock
from insikt_common.db import make_engine, make_sessions
from insikt_common.migrations import downgrade, upgrade
from survey_api import prestart
from survey_api.access import codes
from survey_api.access import service as access
from survey_api.access.gate import Gate
from survey_api.access.throttle import Throttle
from survey_api.errors import TooManyRequests
from survey_api.questionnaires import service as questionnaires
from survey_api.questionnaires.schemas import QuestionnaireCreate
from survey_api.responses import service as responses
from survey_api.responses.schemas import ResponseSubmit
from survey_api.rounds import service as rounds
from survey_api.rounds.schemas import RoundCreate
from survey_api.units import service as units
from survey_api.units.schemas import UnitUpsert
from tests.infra import ServiceDatabase, migrate

ORG = "org-anonymity"


@pytest.fixture(scope="module")
def engine(service_db: ServiceDatabase) -> Iterator[Engine]:
    owner = service_db.owner_url_for("survey-api")
    upgrade(prestart.MIGRATIONS, owner)
    downgrade(prestart.MIGRATIONS, owner, "base")
    migrate(service_db, "survey-api")
    engine = make_engine(service_db.url_for("survey-api"), "survey")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessions(engine)


@pytest.fixture(scope="module")
def round_id(sessions: sessionmaker[Session]) -> str:
    item = {"linkId": "q1", "text": "Nöjd?", "type": "choice", "answerOption": [{"code": "1", "display": "Ja"}]}
    with sessions.begin() as session:
        questionnaire = questionnaires.create(
            session, ORG, QuestionnaireCreate.model_validate({"title": "T", "item": [item]})
        )
        questionnaires.publish(session, ORG, questionnaire.id)
        units.upsert(session, ORG, "U-ANON", UnitUpsert(name="Enhet", type="hvb", municipality_code="0580"))
        today = clock.today()
        return rounds.open_round(
            session,
            ORG,
            RoundCreate(
                title="R",
                questionnaire_id=questionnaire.id,
                unit_ids=["U-ANON"],
                opens_on=today - timedelta(days=1),
                closes_on=today + timedelta(days=1),
            ),
        ).id


def test_the_lockout_counter_counts_in_its_own_transactions_on_postgresql(sessions: sessionmaker[Session]) -> None:
    throttle = Throttle(sessions, limit=3, window_s=60, what="wrong codes", key="test-key")
    key = f"client:{uuid.uuid4()}"
    with sessions() as session:
        throttle.ensure_allowed(session, key)
        # Counted apart: a request that fails afterwards and rolls back keeps the count.
        assert [throttle.count_apart(key) for _ in range(3)] == [1, 2, 3]
        session.rollback()
    with sessions() as session, pytest.raises(TooManyRequests):
        throttle.ensure_allowed(session, key)
    with sessions() as session:
        keys = session.scalars(text("SELECT key FROM survey.rate_limit")).all()
    address = key.split(":")[1]
    assert address not in " ".join(keys)
    # Keyed: trying every address with a plain hash would find it otherwise.
    assert hashlib.sha256(address.encode()).hexdigest() not in " ".join(keys)


def test_used_codes_share_nothing_with_the_responses_they_unlocked(
    sessions: sessionmaker[Session], round_id: str
) -> None:
    with sessions.begin() as session:
        issued = access.issue_codes(session, ORG, round_id, "U-ANON", 6).codes
    throttle = Throttle(sessions, limit=100, window_s=60, what="attempts", key="test-key")
    gate = Gate(wrong_credentials=throttle, open_links=throttle, client="integration")
    for code in issued[:3]:
        submission = ResponseSubmit.model_validate(
            {"submission_id": str(uuid.uuid4()), "code": code, "answers": [{"link_id": "q1", "code": "1"}]}
        )
        with sessions.begin() as session:
            responses.submit(session, submission, gate, max_text=100)

    with sessions() as session:
        code_rows = session.execute(text("SELECT code_hash, xmin::text AS tx FROM survey.access_code")).all()
        unit_row = session.execute(
            text("SELECT codes_used, xmin::text AS tx FROM survey.round_unit WHERE round_id = :r"), {"r": round_id}
        ).one()
        response_rows = session.execute(
            text(
                "SELECT id, submission_key, content_digest, xmin::text AS tx FROM survey.response WHERE round_id = :r"
            ),
            {"r": round_id},
        ).all()
        columns = session.scalars(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'survey' AND table_name = 'access_code'"
            )
        ).all()
    assert set(columns) == {"code_hash", "round_id", "unit_id", "issued_on", "ordinal"}
    assert unit_row.codes_used.count("1") == 3
    # Each response ran in a transaction of its own. No code row was written by any of them: every
    # code row is as the issuing transaction left it, used or not.
    response_transactions = {int(r.tx) for r in response_rows}
    assert len(response_transactions) == 3
    assert len({r.tx for r in code_rows}) == 1
    assert int(code_rows[0].tx) < min(response_transactions)
    # The used state of all the unit's codes is one row, last written by the last response: it
    # shares that response's transaction, whichever code it used, and no earlier response's.
    assert int(unit_row.tx) == max(response_transactions)
    hashes = {codes.digest(c) for c in issued}
    for row in response_rows:
        assert uuid.UUID(row.id).version == 4
        assert not {row.submission_key, row.content_digest} & hashes
