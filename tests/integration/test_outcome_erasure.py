"""outcome-api over HTTP on real PostgreSQL: a participant with one of every record, then erased.

Every table of the ``outcome`` schema is scanned for the participant's id afterwards.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from insikt_common import clock
from insikt_common.auth import mint_token
from insikt_common.messaging.memory_bus import InProcessBus
from outcome_api.config import Settings
from outcome_api.main import create_app
from tests.infra import ServiceDatabase, migrate

SECRET = "integration-auth-secret-0123456789abcdef0123"
UNIT = {"id": "PG-U1", "name": "HVB", "type": "hvb", "municipality_code": "0580"}


@pytest.fixture(scope="module")
def client(service_db: ServiceDatabase) -> Iterator[TestClient]:
    url = service_db.url_for("outcome-api")
    migrate(service_db, "outcome-api")
    settings = Settings(environment="test", database_url=url, pseudonym_key="k" * 40, auth_dev_secret=SECRET)
    token = mint_token(SECRET, subject="admin-1", organisation_id="org-pg", roles=["admin"])
    with TestClient(create_app(settings, InProcessBus()), headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def rows_mentioning(service_db: ServiceDatabase, value: str) -> dict[str, int]:
    engine = create_engine(service_db.admin_database_url)
    found: dict[str, int] = {}
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'outcome'")
        ).scalars()
        for table in list(tables):
            count = conn.execute(
                text(f"SELECT count(*) FROM outcome.{table} t WHERE position(:v in t::text) > 0"), {"v": value}
            ).scalar()
            if count:
                found[table] = int(count)
    engine.dispose()
    return found


def test_a_full_record_is_erased_from_every_table_but_the_audit_log(
    client: TestClient, service_db: ServiceDatabase
) -> None:
    today = clock.today().isoformat()
    body = {"unit": UNIT, "gender": "female", "birth_year": 1990, "personnummer": "19811218-9876"}
    participant_id = client.post("/v1/participants", json=body).json()["id"]
    base = f"/v1/participants/{participant_id}"
    assessment = {
        "instrument_id": "insikt-sjalvskattning",
        "occasion": "baseline",
        "rater": "self",
        "assessed_on": today,
        "scores": {"oro": 3, "somn": 1},
    }
    assessment_id = client.post(f"{base}/assessments", json=assessment).json()["id"]
    corrected = client.put(f"{base}/assessments/{assessment_id}", json={**assessment, "scores": {"oro": 2}})
    assert corrected.json()["revision"] == 2
    assert client.get(f"{base}/assessments/{assessment_id}/revisions").json()[0]["scores"] == {"oro": 3, "somn": 1}
    ended = {"unit": UNIT, "kind": "hvb", "started_on": today, "ended_on": today, "ending": "moved"}
    assert client.put(f"{base}/interventions/PG-REF-1", json=ended).status_code == 201
    goal = {"description": "D", "baseline": "B", "target": "T", "levels": {"-2": "x", "2": "y"}, "set_on": today}
    goal_id = client.post(f"{base}/goals", json=goal).json()["id"]
    rated = client.patch(f"{base}/goals/{goal_id}", json={"attainment": 2, "status": "achieved", "changed_on": today})
    assert rated.json()["levels"] == {"-2": "x", "2": "y"}

    before = rows_mentioning(service_db, participant_id)
    assert {"participant", "assessment", "intervention", "goal", "outbox_message", "audit_event"} <= set(before)
    assert client.delete(base).status_code == 204
    after = rows_mentioning(service_db, participant_id)
    assert set(after) == {"audit_event", "outbox_message"}
    assert after["outbox_message"] == 1, "only the erasure event"
    assert rows_mentioning(service_db, assessment_id) == {}
    assert rows_mentioning(service_db, goal_id) == {}
