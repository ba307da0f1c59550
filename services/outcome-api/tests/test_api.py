"""The HTTP API end to end on SQLite: registering, assessing, the events, and where a personnummer
must never turn up."""

import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import ASSESSMENT_RECORDED, PARTICIPANT_REGISTERED
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.messaging.bus import IncomingMessage
from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.observability import JsonFormatter

PERSONNUMMER = "19811218-9876"
WRITTEN_FORMS = ["19811218-9876", "198112189876", "811218-9876", "8112189876"]
ClientFor = Callable[..., TestClient]
UNIT = {"id": "0580-HVB01", "name": "HVB Solrosen", "type": "hvb", "municipality_code": "0580"}


@pytest.fixture
def logs(client: TestClient) -> Iterator[io.StringIO]:
    """Everything logged during the test, as the service formats it.

    It depends on ``client`` because building the app replaces the root logger's handlers.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("outcome-api"))
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def register(client: TestClient, **overrides: Any) -> Any:
    body = {"unit": UNIT, "birth_year": 1981, "gender": "female", "personnummer": PERSONNUMMER}
    return client.post("/v1/participants", json={**body, **overrides})


def assessment(**overrides: Any) -> dict[str, Any]:
    body = {
        "instrument_id": "insikt-livssituation",
        "occasion": "baseline",
        "rater": "self",
        "assessed_on": clock.today().isoformat(),
        "scores": {"boende": 3, "ekonomi": 4, "trygghet": 8},
    }
    return {**body, **overrides}


def published(bus: InProcessBus, topic: str, count: int, timeout_s: float = 5.0) -> list[IncomingMessage]:
    """The topic's messages once the outbox relay has published ``count`` of them."""
    deadline = time.monotonic() + timeout_s
    while len(messages := bus.topic_messages(topic)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return messages


def stored_bytes(database_file: Path) -> bytes:
    """The database file and its WAL and shared-memory files: where committed rows can sit."""
    return b"".join(p.read_bytes() for p in database_file.parent.glob(f"{database_file.name}*"))


def test_register_assess_and_publish_without_the_personnummer(
    client: TestClient, bus: InProcessBus, database_file: Path, logs: io.StringIO
) -> None:
    created = register(client)
    assert created.status_code == 201
    participant = created.json()
    assert participant["unit"] == {**UNIT, "organisation_id": "demo-org"} and participant["has_personnummer"] is True

    again = register(client, personnummer="811218-9876", birth_year=None)
    assert again.status_code == 200
    assert again.json()["id"] == participant["id"]
    assert client.get(f"/v1/participants/{participant['id']}").json() == participant

    recorded = client.post(f"/v1/participants/{participant['id']}/assessments", json=assessment())
    assert recorded.status_code == 201
    listed = client.get(f"/v1/participants/{participant['id']}/assessments").json()
    assert [a["id"] for a in listed] == [recorded.json()["id"]]
    assert listed[0]["scores"] == {"boende": 3, "ekonomi": 4, "trygghet": 8}

    [message] = published(bus, ASSESSMENT_RECORDED.topic, 1)
    assert message.key == participant["id"]
    event = CloudEvent.from_bytes(message.value)
    assert event.type == ASSESSMENT_RECORDED.type
    assert event.data["unit_id"] == UNIT["id"]
    assert {s["area"]: s["score"] for s in event.data["scores"]} == {"boende": 3, "ekonomi": 4, "trygghet": 8}
    registrations = published(bus, PARTICIPANT_REGISTERED.topic, 1)
    assert len(registrations) == 1, "a repeated registration must not publish a second event"

    stored = stored_bytes(database_file)
    assert participant["id"].encode() in stored, "the scan must see the committed rows"
    responses = json.dumps([participant, again.json(), listed])
    logged = logs.getvalue()
    assert '"message": "request"' in logged, "the scan must see the request log"
    for written in WRITTEN_FORMS:
        assert written.encode() not in stored
        assert all(written.encode() not in m.value for m in [message, *registrations] if m.value)
        assert written not in responses
        assert written not in logged


def test_the_same_personnummer_in_another_organisation_is_another_participant(client_for: ClientFor) -> None:
    ours = register(client_for()).json()
    other_client = client_for("other-org")
    theirs = register(other_client, unit={**UNIT, "id": "0581-HVB07"})
    assert theirs.status_code == 201
    assert theirs.json()["id"] != ours["id"]
    assert other_client.get(f"/v1/participants/{ours['id']}").status_code == 404


def test_a_unit_belongs_to_the_organisation_that_runs_it(client_for: ClientFor) -> None:
    ours = client_for()
    assert register(ours, personnummer=None).status_code == 201
    renamed = {**UNIT, "name": "Annat namn"}
    assert register(client_for("other-org"), unit=renamed, personnummer=None).status_code == 409
    assert register(ours, unit={**UNIT, "organisation_id": "other-org"}).json()["detail"] == [
        {"field": "unit.organisation_id", "message": "must be the organisation of your token"}
    ]
    participant = register(ours, personnummer=None).json()
    assert participant["unit"]["name"] == UNIT["name"], "the other organisation renamed nothing"


def test_participants_without_personnummer_are_never_merged(client: TestClient) -> None:
    first = register(client, personnummer=None)
    second = register(client, personnummer=None)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert first.json()["has_personnummer"] is False


def test_an_invalid_personnummer_is_refused_without_echoing_it(client: TestClient) -> None:
    refused = register(client, personnummer="19811218-9875")
    assert refused.status_code == 422
    expected = {"field": "personnummer", "message": "the check digit does not match"}
    assert refused.json()["detail"] == [expected]
    assert "9875" not in refused.text


def test_invalid_scores_name_their_fields(client: TestClient) -> None:
    participant_id = register(client).json()["id"]
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    bad = assessment(assessed_on=tomorrow, scores={"boende": 11, "simning": 5, "ekonomi": 4})
    refused = client.post(f"/v1/participants/{participant_id}/assessments", json=bad)
    assert refused.status_code == 422
    assert refused.json()["error"] == "Unprocessable"
    assert [e["field"] for e in refused.json()["detail"]] == [
        "assessed_on",
        "scores.boende",
        "scores.simning",
    ]
    assert client.get(f"/v1/participants/{participant_id}/assessments").json() == []


def test_unknown_participant_is_not_found(client: TestClient) -> None:
    missing = client.post("/v1/participants/no-such-id/assessments", json=assessment())
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"
    assert client.get("/v1/participants/no-such-id").status_code == 404
    assert client.get("/v1/participants/no-such-id/assessments").status_code == 404


def test_instruments_lists_the_two_examples(client: TestClient) -> None:
    livssituation, sjalvskattning = client.get("/v1/instruments").json()
    assert (livssituation["id"], livssituation["version"], len(livssituation["areas"])) == (
        "insikt-livssituation",
        1,
        10,
    )
    assert (sjalvskattning["id"], sjalvskattning["scale"]["minimum"], sjalvskattning["scale"]["maximum"]) == (
        "insikt-sjalvskattning",
        0,
        4,
    )
    assert sjalvskattning["scale"]["direction"] == "lower_is_better"


def test_a_personnummer_never_reaches_a_table_log_or_event_through_any_endpoint(
    client: TestClient, bus: InProcessBus, database_file: Path, logs: io.StringIO
) -> None:
    participant_id = register(client).json()["id"]
    base = f"/v1/participants/{participant_id}"
    today = clock.today().isoformat()
    intervention = {"unit": UNIT, "kind": "hvb", "started_on": today}
    refused_ref = client.put(f"{base}/interventions/811218-9876", json=intervention)
    refused_kind = client.put(f"{base}/interventions/REF-1", json={**intervention, "kind": "pnr 8112189876"})
    goal = {"description": "Bor hos 19811218-9876", "baseline": "B", "target": "T", "set_on": today}
    refused_goal = client.post(f"{base}/goals", json={**goal, "levels": {"0": "198112189876"}})
    assert [r.status_code for r in (refused_ref, refused_kind, refused_goal)] == [422, 422, 422]
    assert [e["field"] for e in refused_ref.json()["detail"]] == ["external_reference"]
    assert [e["field"] for e in refused_kind.json()["detail"]] == ["kind"]
    assert [e["field"] for e in refused_goal.json()["detail"]] == ["description", "levels.0"]

    assert client.put(f"{base}/interventions/REF-1", json=intervention).status_code == 201
    goal_id = client.post(f"{base}/goals", json={**goal, "description": "Eget boende"}).json()["id"]
    assert client.patch(
        f"{base}/goals/{goal_id}", json={"attainment": 1, "status": "active", "changed_on": today}
    ).is_success
    recorded = client.post(f"{base}/assessments", json=assessment()).json()
    assert client.put(f"{base}/assessments/{recorded['id']}", json=assessment(scores={"boende": 5})).is_success
    answers = [client.get(f"{base}/{what}").text for what in ("interventions", "goals", "assessments")]
    audit = client.get("/v1/audit").text
    assert client.delete(base).status_code == 204
    published(bus, "outcome.participant.v1", 2)

    stored = stored_bytes(database_file)
    topics = [f"outcome.{entity}.v1" for entity in ("participant", "assessment", "intervention", "goal")]
    messages = [m.value for topic in topics for m in bus.topic_messages(topic) if m.value]
    assert messages, "the scan must see the published events"
    texts = [r.text for r in (refused_ref, refused_kind, refused_goal)] + answers + [audit]
    for written in WRITTEN_FORMS:
        assert written.encode() not in stored
        assert all(written.encode() not in m for m in messages)
        assert all(written not in t for t in texts)
        assert written not in logs.getvalue()
