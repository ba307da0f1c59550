"""Interventions, goals and assessment corrections through the API, with the events they publish."""

import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import (
    ASSESSMENT_CORRECTED,
    GOAL_SET,
    GOAL_UPDATED,
    INTERVENTION_ENDED,
    INTERVENTION_STARTED,
)
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.messaging.memory_bus import InProcessBus

UNIT = {"id": "0580-HVB01", "name": "HVB Solrosen", "type": "hvb", "municipality_code": "0580"}


def events(bus: InProcessBus, topic: str, event_type: str, count: int) -> list[CloudEvent]:
    """The events of ``event_type`` on ``topic`` once the relay has published ``count`` of them."""
    deadline = time.monotonic() + 5
    while True:
        found = [CloudEvent.from_bytes(m.value) for m in bus.topic_messages(topic)]
        found = [e for e in found if e.type == event_type]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def outbox_count(database_file: Path, event_type: str) -> int:
    with sqlite3.connect(database_file) as conn:
        count: int = conn.execute("SELECT count(*) FROM outbox_message WHERE event_type = ?", (event_type,)).fetchone()[
            0
        ]
    return count


@pytest.fixture
def participant_id(client: TestClient) -> str:
    response = client.post("/v1/participants", json={"unit": UNIT, "gender": "female", "birth_year": 1999})
    return str(response.json()["id"])


def intervention(**overrides: Any) -> dict[str, Any]:
    today = clock.today()
    body = {
        "unit": UNIT,
        "kind": "hvb_placement",
        "referring_municipality_code": "0581",
        "started_on": (today - timedelta(days=90)).isoformat(),
    }
    return {**body, **overrides}


def test_an_intervention_is_upserted_by_its_external_reference(
    client: TestClient, bus: InProcessBus, participant_id: str, database_file: Path
) -> None:
    today = clock.today()
    url = f"/v1/participants/{participant_id}/interventions/CASE-17"
    first = client.put(url, json=intervention())
    assert first.status_code == 201
    assert client.put(url, json=intervention()).status_code == 200
    ended = intervention(ended_on=today.isoformat(), ending="unplanned")
    updated = client.put(url, json=ended)
    assert updated.status_code == 200
    assert updated.json()["id"] == first.json()["id"]
    assert (updated.json()["ended_on"], updated.json()["ending"]) == (today.isoformat(), "unplanned")
    assert client.put(url, json=ended).status_code == 200

    listed = client.get(f"/v1/participants/{participant_id}/interventions").json()
    assert [i["external_reference"] for i in listed] == ["CASE-17"]
    [started] = events(bus, INTERVENTION_STARTED.topic, INTERVENTION_STARTED.type, 1)
    [finished] = events(bus, INTERVENTION_ENDED.topic, INTERVENTION_ENDED.type, 1)
    assert started.data["intervention_id"] == finished.data["intervention_id"] == first.json()["id"]
    assert started.data["referring_municipality_code"] == "0581"
    assert finished.data["ending"] == "unplanned"
    assert outbox_count(database_file, INTERVENTION_STARTED.type) == 1, "repeats emit nothing"
    assert outbox_count(database_file, INTERVENTION_ENDED.type) == 1


def test_an_external_reference_of_another_participant_is_a_conflict(client: TestClient, participant_id: str) -> None:
    other = client.post("/v1/participants", json={"unit": UNIT, "gender": "male"}).json()["id"]
    assert client.put(f"/v1/participants/{participant_id}/interventions/X1", json=intervention()).status_code == 201
    assert client.put(f"/v1/participants/{other}/interventions/X1", json=intervention()).status_code == 409


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"ended_on": "2020-01-01", "ending": "planned"}, ["ended_on"]),
        ({"ended_on": -1}, ["ending"]),
        ({"ending": "moved"}, ["ended_on"]),
        ({"ended_on": 1, "ending": "planned"}, ["ended_on"]),
        ({"ended_on": 0, "ending": "sammanbrott"}, ["ending"]),
        ({"referring_municipality_code": "58"}, ["referring_municipality_code"]),
    ],
)
def test_invalid_intervention_dates_and_endings_name_their_field(
    client: TestClient, participant_id: str, overrides: dict[str, Any], fields: list[str]
) -> None:
    # An end date given as days from today becomes a date when the test runs: a run may cross midnight.
    today = clock.today()
    overrides = {k: (today + timedelta(days=v)).isoformat() if isinstance(v, int) else v for k, v in overrides.items()}
    refused = client.put(f"/v1/participants/{participant_id}/interventions/BAD", json=intervention(**overrides))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["detail"]] == fields
    assert client.get(f"/v1/participants/{participant_id}/interventions").json() == []


def test_a_goal_keeps_its_gas_ratings_over_time(client: TestClient, bus: InProcessBus, participant_id: str) -> None:
    today = clock.today()
    set_on = today - timedelta(days=60)
    goal = client.post(
        f"/v1/participants/{participant_id}/goals",
        json={
            "area": "boende",
            "description": "Eget boende",
            "baseline": "Bor på HVB",
            "target": "Egen lägenhet med stöd",
            "levels": {"-2": "Ingen bostad", "0": "Egen lägenhet med stöd", "2": "Eget kontrakt utan stöd"},
            "weight": 2,
            "set_on": set_on.isoformat(),
        },
    )
    assert goal.status_code == 201
    url = f"/v1/participants/{participant_id}/goals/{goal.json()['id']}"
    mid = (today - timedelta(days=30)).isoformat()
    assert client.patch(url, json={"attainment": -1, "status": "active", "changed_on": mid}).status_code == 200
    done = client.patch(url, json={"attainment": 1, "status": "achieved", "changed_on": today.isoformat()})
    assert done.status_code == 200
    [listed] = client.get(f"/v1/participants/{participant_id}/goals").json()
    assert (listed["attainment"], listed["status"]) == (1, "achieved")
    assert [(h["attainment"], h["status"]) for h in listed["history"]] == [
        (None, "active"),
        (-1, "active"),
        (1, "achieved"),
    ]
    [set_event] = events(bus, GOAL_SET.topic, GOAL_SET.type, 1)
    updates = events(bus, GOAL_UPDATED.topic, GOAL_UPDATED.type, 2)
    assert (set_event.data["weight"], set_event.data["attainment"]) == (2.0, None)
    assert [(u.data["attainment"], u.data["status"]) for u in updates] == [(-1, "active"), (1, "achieved")]
    assert all("Eget" not in str(e.data) for e in [set_event, *updates]), "goal texts never leave the service"


def test_invalid_goal_changes_name_their_field(client: TestClient, participant_id: str) -> None:
    today = clock.today()
    goal = client.post(
        f"/v1/participants/{participant_id}/goals",
        json={"description": "D", "baseline": "B", "target": "T", "levels": {"3": "x"}, "set_on": today.isoformat()},
    )
    assert [e["field"] for e in goal.json()["detail"]] == ["levels.3"]
    unknown_area = client.post(
        f"/v1/participants/{participant_id}/goals",
        json={"area": "simning", "description": "D", "baseline": "B", "target": "T", "set_on": today.isoformat()},
    )
    assert [e["field"] for e in unknown_area.json()["detail"]] == ["area"]
    goal_id = client.post(
        f"/v1/participants/{participant_id}/goals",
        json={"description": "D", "baseline": "B", "target": "T", "set_on": today.isoformat()},
    ).json()["id"]
    url = f"/v1/participants/{participant_id}/goals/{goal_id}"
    too_high = client.patch(url, json={"attainment": 3, "status": "active", "changed_on": today.isoformat()})
    assert [e["field"] for e in too_high.json()["detail"]] == ["attainment"]
    earlier = (today - timedelta(days=1)).isoformat()
    before_set = client.patch(url, json={"attainment": 0, "status": "active", "changed_on": earlier})
    assert [e["field"] for e in before_set.json()["detail"]] == ["changed_on"]
    assert client.patch(f"/v1/participants/{participant_id}/goals/nope", json={}).status_code in (404, 422)


def test_a_correction_replaces_the_assessment_and_keeps_the_earlier_version(
    client: TestClient, bus: InProcessBus, participant_id: str
) -> None:
    today = clock.today()
    body = {
        "instrument_id": "insikt-livssituation",
        "occasion": "baseline",
        "rater": "self",
        "assessed_on": today.isoformat(),
        "scores": {"boende": 3, "ekonomi": 4},
    }
    base = f"/v1/participants/{participant_id}/assessments"
    recorded = client.post(base, json=body).json()
    corrected = client.put(f"{base}/{recorded['id']}", json={**body, "scores": {"boende": 5}, "rater": "joint"})
    assert corrected.status_code == 200
    assert (corrected.json()["id"], corrected.json()["revision"]) == (recorded["id"], 2)
    [latest] = client.get(base).json()
    assert (latest["scores"], latest["rater"]) == ({"boende": 5}, "joint")
    [earlier] = client.get(f"{base}/{recorded['id']}/revisions").json()
    assert (earlier["revision"], earlier["scores"], earlier["rater"]) == (1, {"boende": 3, "ekonomi": 4}, "self")
    [event] = events(bus, ASSESSMENT_CORRECTED.topic, ASSESSMENT_CORRECTED.type, 1)
    assert event.data["assessment_id"] == recorded["id"]
    assert event.data["scores"] == [{"area": "boende", "score": 5.0}]

    other_instrument = client.put(f"{base}/{recorded['id']}", json={**body, "instrument_id": "insikt-sjalvskattning"})
    assert [e["field"] for e in other_instrument.json()["detail"]] == ["instrument_id"]
    bad_score = client.put(f"{base}/{recorded['id']}", json={**body, "scores": {"boende": 0}})
    assert [e["field"] for e in bad_score.json()["detail"]] == ["scores.boende"]
    assert client.put(f"{base}/no-such-assessment", json=body).status_code == 404
