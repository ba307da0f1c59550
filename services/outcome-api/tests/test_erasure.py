"""Erasure on request and by the retention job: nothing about the participant is left but audit rows."""

import json
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import PARTICIPANT_ERASED
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.messaging.memory_bus import InProcessBus
from outcome_api.erasure import cli, service
from outcome_api.erasure.retention import cutoff, expired

UNIT = {"id": "0580-HVB01", "name": "HVB Solrosen", "type": "hvb", "municipality_code": "0580"}
PERSONNUMMER = "19811218-9876"


def full_record(client: TestClient, **participant: Any) -> str:
    """A participant with one of everything: a corrected assessment, an ended intervention, a rated goal."""
    today = clock.today()
    body = {"unit": UNIT, "gender": "female", "birth_year": 1981, **participant}
    participant_id = str(client.post("/v1/participants", json=body).json()["id"])
    base = f"/v1/participants/{participant_id}"
    assessment = {
        "instrument_id": "insikt-livssituation",
        "occasion": "baseline",
        "rater": "self",
        "assessed_on": today.isoformat(),
        "scores": {"boende": 3},
    }
    assessment_id = client.post(f"{base}/assessments", json=assessment).json()["id"]
    assert client.put(f"{base}/assessments/{assessment_id}", json={**assessment, "scores": {"boende": 4}}).is_success
    ended = {"unit": UNIT, "kind": "hvb", "started_on": today.isoformat(), "ended_on": today.isoformat()}
    assert client.put(f"{base}/interventions/REF-{participant_id}", json={**ended, "ending": "planned"}).is_success
    goal = {"description": "Eget boende", "baseline": "HVB", "target": "Lägenhet", "set_on": today.isoformat()}
    goal_id = client.post(f"{base}/goals", json=goal).json()["id"]
    rating = {"attainment": 0, "status": "achieved", "changed_on": today.isoformat()}
    assert client.patch(f"{base}/goals/{goal_id}", json=rating).is_success
    return participant_id


def rows_mentioning(database_file: Path, value: str) -> dict[str, int]:
    """Per table, the rows with ``value`` anywhere in them (every column, as text)."""
    found: dict[str, int] = {}
    with sqlite3.connect(database_file) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                if any(value.encode() in (c if isinstance(c, bytes) else str(c).encode()) for c in row):
                    found[table] = found.get(table, 0) + 1
    return found


def erased_events(bus: InProcessBus, count: int) -> list[CloudEvent]:
    deadline = time.monotonic() + 5
    while True:
        messages = [CloudEvent.from_bytes(m.value) for m in bus.topic_messages(PARTICIPANT_ERASED.topic)]
        erased = [e for e in messages if e.type == PARTICIPANT_ERASED.type]
        if len(erased) >= count or time.monotonic() > deadline:
            return erased
        time.sleep(0.02)


def test_erasure_removes_the_participant_everywhere_but_the_audit_log_and_emits_the_event(
    client: TestClient, bus: InProcessBus, database_file: Path
) -> None:
    participant_id = full_record(client, personnummer=PERSONNUMMER)
    kept = full_record(client)
    before = rows_mentioning(database_file, participant_id)
    assert {"participant", "assessment", "intervention", "goal", "outbox_message", "audit_event"} <= set(before)

    assert client.delete(f"/v1/participants/{participant_id}").status_code == 204

    after = rows_mentioning(database_file, participant_id)
    assert set(after) == {"audit_event", "outbox_message"}
    assert after["outbox_message"] == 1, "only the erasure event itself is left to publish"
    assert after["audit_event"] == before["audit_event"] + 1
    assert client.get(f"/v1/participants/{participant_id}").status_code == 404
    assert client.delete(f"/v1/participants/{participant_id}").status_code == 404
    [event] = erased_events(bus, 1)
    assert event.data == {"participant_id": participant_id, "organisation_id": "demo-org"}
    assert client.get(f"/v1/participants/{kept}/assessments").json(), "other participants are untouched"

    again = client.post("/v1/participants", json={"unit": UNIT, "gender": "female", "personnummer": PERSONNUMMER})
    assert again.status_code == 201 and again.json()["id"] != participant_id
    [erase_audit] = client.get("/v1/audit", params={"action": "participant.erase"}).json()
    assert erase_audit["participant_id"] == participant_id


def test_only_an_administrator_may_erase(client_for: Any) -> None:
    participant_id = full_record(client_for())
    manager = client_for("demo-org", ["manager"], [UNIT["id"]])
    assert manager.delete(f"/v1/participants/{participant_id}").status_code == 403
    assert manager.get(f"/v1/participants/{participant_id}").status_code == 200


def test_the_retention_job_erases_participants_whose_last_entry_is_past_the_period(
    client: TestClient, app: FastAPI, bus: InProcessBus, database_file: Path
) -> None:
    today = clock.today()
    old = full_record(client)
    open_ended = str(client.post("/v1/participants", json={"unit": UNIT, "gender": "male"}).json()["id"])
    still_open = {"unit": UNIT, "kind": "hvb", "started_on": today.isoformat()}
    assert client.put(f"/v1/participants/{open_ended}/interventions/OPEN-1", json=still_open).status_code == 201
    sessions = app.state.sessions

    with sessions.begin() as session:
        assert service.purge_expired(session, years=5, today=today + timedelta(days=5 * 365 - 30)) == []
    with sessions.begin() as session:
        assert service.purge_expired(session, years=5, today=today + timedelta(days=5 * 366 + 1)) == [old]

    assert set(rows_mentioning(database_file, old)) == {"audit_event", "outbox_message"}
    assert client.get(f"/v1/participants/{open_ended}").status_code == 200, "an open intervention keeps them"
    [event] = erased_events(bus, 1)
    assert event.data["participant_id"] == old
    [purge] = client.get("/v1/audit", params={"action": "participant.purge"}).json()
    assert (purge["subject"], purge["roles"], purge["participant_id"]) == ("retention-job", ["system"], old)


def test_the_retention_cli_runs_against_the_configured_database(
    client: TestClient, database_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    full_record(client)
    monkeypatch.setenv("OUTCOME_ENVIRONMENT", "test")
    monkeypatch.setenv("OUTCOME_DATABASE_URL", f"sqlite:///{database_file}")
    assert cli.main(["--dry-run"]) == 0
    assert cli.main(["--years", "1"]) == 0
    said = [json.loads(line)["message"] for line in capsys.readouterr().out.splitlines() if "retention:" in line]
    assert said == [
        "retention: 0 participants are past 5 years (dry run)",
        "retention: erased 0 participants past 1 years",
    ], "nothing recorded today is past the period"
    with pytest.raises(SystemExit):
        cli.main(["--years", "0"])


def test_the_retention_period_counts_whole_years_back_from_today() -> None:
    assert cutoff(date(2026, 11, 22), 5) == date(2021, 11, 22)
    assert cutoff(date(2028, 2, 29), 5) == date(2023, 2, 28)
    assert expired(date(2021, 11, 21), date(2026, 11, 22), 5)
    assert not expired(date(2021, 11, 22), date(2026, 11, 22), 5)
