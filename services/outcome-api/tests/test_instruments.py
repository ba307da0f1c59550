"""Instruments as versioned, organisation-owned tables: published with an event, immutable once used."""

import time
from typing import Any

from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import INSTRUMENT_PUBLISHED
from insikt_common.contracts.envelope import CloudEvent
from insikt_common.messaging.memory_bus import InProcessBus
from outcome_api.instruments.rules import definition_errors

UNIT = {"id": "U1", "name": "Enhet", "type": "hvb", "municipality_code": "0580"}
ClientFor = Any


def published(bus: InProcessBus, count: int) -> list[CloudEvent]:
    deadline = time.monotonic() + 5
    while len(bus.topic_messages(INSTRUMENT_PUBLISHED.topic)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return [CloudEvent.from_bytes(m.value) for m in bus.topic_messages(INSTRUMENT_PUBLISHED.topic)]


def licensed(**overrides: Any) -> dict[str, Any]:
    body = {
        "id": "exempelby-skala",
        "title": "Licensierad skala",
        "description": "Konfigurerad av kommunen som har licensen.",
        "licence": "Licensed to demo-org until 2027",
        "scale": {"minimum": 0, "maximum": 3, "direction": "higher_is_better", "anchors": {"0": "Inte alls"}},
        "areas": [{"code": "boende", "label": "Boende"}, {"code": "arbete", "label": "Arbete"}],
    }
    return {**body, **overrides}


def assess(client: TestClient, instrument_id: str, scores: dict[str, int]) -> Any:
    participant_id = client.post("/v1/participants", json={"unit": UNIT, "gender": "male"}).json()["id"]
    body = {
        "instrument_id": instrument_id,
        "occasion": "baseline",
        "rater": "staff",
        "assessed_on": clock.today().isoformat(),
        "scores": scores,
    }
    return participant_id, client.post(f"/v1/participants/{participant_id}/assessments", json=body)


def test_the_shipped_examples_are_published_once_as_events(client: TestClient, bus: InProcessBus) -> None:
    events = published(bus, 2)
    assert sorted(e.data["instrument_id"] for e in events) == ["insikt-livssituation", "insikt-sjalvskattning"]
    sjalvskattning = next(e for e in events if e.data["instrument_id"] == "insikt-sjalvskattning")
    assert (sjalvskattning.data["scale_min"], sjalvskattning.data["scale_max"]) == (0, 4)
    assert sjalvskattning.data["direction"] == "lower_is_better"
    assert len(sjalvskattning.data["areas"]) == 6


def test_an_organisation_publishes_versions_of_its_own_instrument(client_for: ClientFor, bus: InProcessBus) -> None:
    admin = client_for()
    created = admin.post("/v1/instruments", json=licensed())
    assert created.status_code == 201 and created.json()["version"] == 1
    assert [e.data["instrument_id"] for e in published(bus, 3)][-1] == "exempelby-skala"

    others = client_for("other-org")
    assert "exempelby-skala" not in [i["id"] for i in others.get("/v1/instruments").json()]
    assert others.get("/v1/instruments/exempelby-skala/versions/1").status_code == 404
    assert others.post("/v1/instruments", json=licensed()).status_code == 409, "the id is taken"
    assert admin.post("/v1/instruments", json=licensed(id="insikt-livssituation")).status_code == 409

    fixed = licensed(areas=[{"code": "boende", "label": "Boende"}, {"code": "arbete", "label": "Arbete och studier"}])
    assert admin.put("/v1/instruments/exempelby-skala/versions/1", json=fixed).status_code == 200, "unused: may change"

    participant_id, recorded = assess(admin, "exempelby-skala", {"boende": 3, "arbete": 0})
    assert recorded.status_code == 201 and recorded.json()["instrument_version"] == 1
    assert admin.put("/v1/instruments/exempelby-skala/versions/1", json=fixed).status_code == 409, "used: immutable"

    wider = licensed(scale={"minimum": 0, "maximum": 5, "direction": "higher_is_better", "anchors": {}})
    assert admin.post("/v1/instruments", json=wider).json()["version"] == 2
    [listed] = [i for i in admin.get("/v1/instruments").json() if i["id"] == "exempelby-skala"]
    assert listed["version"] == 2
    assert admin.get("/v1/instruments/exempelby-skala/versions/1").json()["scale"]["maximum"] == 3

    base = f"/v1/participants/{participant_id}/assessments/{recorded.json()['id']}"
    body = {**recorded.json(), "scores": {"boende": 5}}
    refused = admin.put(base, json=body)
    assert [e["field"] for e in refused.json()["detail"]] == ["scores.boende"], "corrected against its own version"
    assert assess(admin, "exempelby-skala", {"boende": 5})[1].status_code == 201, "new assessments use version 2"


def test_invalid_definitions_name_their_fields(client: TestClient) -> None:
    refused = client.post(
        "/v1/instruments",
        json=licensed(
            scale={"minimum": 3, "maximum": 3, "direction": "higher_is_better", "anchors": {"7": "x"}},
            areas=[{"code": "a", "label": "A"}, {"code": "a", "label": "A igen"}],
        ),
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["detail"]] == ["scale.maximum", "scale.anchors.7", "areas.1.code"]
    bad_code = client.post("/v1/instruments", json=licensed(areas=[{"code": "Bo ende", "label": "B"}]))
    assert [e["field"] for e in bad_code.json()["detail"]] == ["areas.0.code"]


def test_scores_are_checked_against_the_self_rating_scale(client: TestClient) -> None:
    _, refused = assess(client, "insikt-sjalvskattning", {"oro": 5, "somn": -1, "ensamhet": 0})
    assert [e["field"] for e in refused.json()["detail"]] == ["scores.oro", "scores.somn"]
    assert "from 0 to 4" in refused.json()["detail"][0]["message"]


def test_a_valid_definition_has_no_errors() -> None:
    assert definition_errors(0, 4, {0: "Inga", 4: "Mycket"}, ["a", "b"]) == []
