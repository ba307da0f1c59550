"""The audit log as an administrator reads it, and its table refusing change (SQLite here; the
PostgreSQL trigger is tested in tests/integration/test_outcome_audit.py)."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from insikt_common import clock

UNIT = {"id": "U-AUDIT", "name": "HVB", "type": "hvb", "municipality_code": "0580"}
ClientFor = Any


def test_reads_and_writes_of_a_participant_are_audited_with_who_role_and_request(client_for: ClientFor) -> None:
    staff: TestClient = client_for("demo-org", ["staff"], ["U-AUDIT"])
    created = staff.post("/v1/participants", json={"unit": UNIT, "gender": "male"}, headers={"X-Request-ID": "req-1"})
    participant_id = created.json()["id"]
    staff.get(f"/v1/participants/{participant_id}", headers={"X-Request-ID": "req-2"})
    staff.post(
        f"/v1/participants/{participant_id}/assessments",
        json={
            "instrument_id": "insikt-livssituation",
            "occasion": "baseline",
            "rater": "staff",
            "assessed_on": clock.today().isoformat(),
            "scores": {"boende": 4},
        },
        headers={"X-Request-ID": "req-3"},
    )
    staff.get(f"/v1/participants/{participant_id}/assessments", headers={"X-Request-ID": "req-4"})
    staff.get("/v1/participants/no-such-participant")

    admin: TestClient = client_for()
    events = admin.get("/v1/audit", params={"participant_id": participant_id}).json()
    assert [(e["action"], e["request_id"]) for e in reversed(events)] == [
        ("participant.register", "req-1"),
        ("participant.read", "req-2"),
        ("assessment.record", "req-3"),
        ("assessment.list", "req-4"),
    ]
    assert {(e["subject"], tuple(e["roles"]), e["participant_id"]) for e in events} == {
        ("tester", ("staff",), participant_id)
    }
    # The audit log keeps the moment in UTC (not the Swedish day).
    assert all(e["occurred_at"].startswith(datetime.now(UTC).date().isoformat()) for e in events)

    newest_first = admin.get("/v1/audit", params={"limit": 2}).json()
    assert [e["action"] for e in newest_first] == ["audit.read", "assessment.list"]
    older = admin.get("/v1/audit", params={"before_id": newest_first[-1]["id"], "limit": 1}).json()
    assert older[0]["action"] == "assessment.record"


def test_another_organisations_admin_sees_none_of_our_audit(client_for: ClientFor) -> None:
    client_for().post("/v1/participants", json={"unit": UNIT, "gender": "male"})
    theirs = client_for("other-org").get("/v1/audit").json()
    assert [e["action"] for e in theirs] == []


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET subject = 'someone else'", "DELETE FROM audit_event"])
def test_the_sqlite_table_refuses_update_and_delete(client: TestClient, database_file: Path, statement: str) -> None:
    client.post("/v1/participants", json={"unit": UNIT, "gender": "male"})
    with sqlite3.connect(database_file) as conn:
        assert conn.execute("SELECT count(*) FROM audit_event").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
