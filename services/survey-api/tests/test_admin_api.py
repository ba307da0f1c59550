"""Administrative endpoints: bearer tokens, organisation scope, versions, and the events they emit."""

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jsonschema
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import (
    QUESTIONNAIRE_PUBLISHED,
    ROUND_CLOSED,
    ROUND_OPENED,
    UNIT_UPSERTED,
    EventSpec,
)
from insikt_common.contracts.generate import SCHEMA_DIR
from insikt_common.messaging.memory_bus import InProcessBus

ITEMS = [
    {
        "linkId": "bemotande",
        "text": "Hur blev du bemött?",
        "type": "choice",
        "area": "bemotande",
        "required": True,
        "answerOption": [
            {"code": "1", "display": "Bra", "positive": True},
            {"code": "2", "display": "Dåligt"},
            {"code": "9", "display": "Vet inte", "nonSubstantive": True},
        ],
    },
    {"linkId": "betyg", "text": "Betyg", "type": "integer", "minValue": 1, "maxValue": 10},
]
Bearer = Callable[..., dict[str, str]]
UNIT = {"name": "Enhet 1", "type": "hvb", "municipality_code": "0580"}


def _events(bus: InProcessBus, spec: EventSpec, expected: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        events = [json.loads(m.value or b"") for m in bus.topic_messages(spec.topic)]
        events = [e for e in events if e["type"] == spec.type]
        if len(events) >= expected:
            break
        time.sleep(0.02)
    schema = json.loads((SCHEMA_DIR / f"{spec.type}.json").read_text())
    for event in events:
        jsonschema.validate(event, schema)
    return events


def _published(client: TestClient) -> dict[str, Any]:
    questionnaire = client.post("/v1/questionnaires", json={"title": "Enkät", "item": ITEMS}).json()
    return dict(client.post(f"/v1/questionnaires/{questionnaire['id']}/publish").json())


def test_admin_endpoints_need_a_token_and_writes_need_the_admin_role(client: TestClient, bearer: Bearer) -> None:
    questionnaire = _published(client)
    anonymous = client.get(f"/v1/questionnaires/{questionnaire['id']}", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    garbage = client.get(f"/v1/questionnaires/{questionnaire['id']}", headers={"Authorization": "Bearer nonsense"})
    assert garbage.status_code == 401
    analyst = bearer("analyst")
    assert client.get(f"/v1/questionnaires/{questionnaire['id']}", headers=analyst).status_code == 200
    assert client.put("/v1/units/U1", json=UNIT, headers=analyst).status_code == 403
    assert client.put("/v1/units/U1", json=UNIT, headers=bearer("staff")).status_code == 403
    assert client.get("/v1/units", headers=bearer("manager")).status_code == 403


def test_another_organisations_things_are_404(client: TestClient, bearer: Bearer) -> None:
    questionnaire = _published(client)
    client.put("/v1/units/U1", json=UNIT)
    today = clock.today()
    survey_round = client.post(
        "/v1/rounds",
        json={
            "title": "R",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": ["U1"],
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
        },
    ).json()
    other = bearer("admin", organisation_id="other-org")
    assert client.get(f"/v1/questionnaires/{questionnaire['id']}", headers=other).status_code == 404
    assert client.post(f"/v1/questionnaires/{questionnaire['id']}/publish", headers=other).status_code == 404
    assert client.get("/v1/units/U1", headers=other).status_code == 404
    assert client.put("/v1/units/U1", json=UNIT, headers=other).status_code == 404
    assert client.get(f"/v1/rounds/{survey_round['id']}", headers=other).status_code == 404
    assert client.post(f"/v1/rounds/{survey_round['id']}/close", headers=other).status_code == 404
    assert client.get("/v1/rounds", headers=other).json() == []
    assert client.get("/v1/questionnaires", headers=other).json() == []
    assert [u["id"] for u in client.get("/v1/units").json()] == ["U1"]


def test_a_published_version_never_changes_and_an_edit_starts_the_next_version(client: TestClient) -> None:
    first = _published(client)
    assert first["version"] == 1 and first["status"] == "published"
    edited_items = [{**ITEMS[0], "text": "Hur blev du bemött av personalen?"}]
    second = client.put(f"/v1/questionnaires/{first['id']}", json={"title": "Enkät 2", "item": edited_items}).json()
    assert (second["id"], second["version"], second["status"]) == (first["id"], 2, "draft")
    redraft = client.put(f"/v1/questionnaires/{first['id']}", json={"title": "Enkät 2b", "item": edited_items})
    assert redraft.json()["version"] == 2
    assert client.post(f"/v1/questionnaires/{first['id']}/publish").json()["version"] == 2
    assert client.post(f"/v1/questionnaires/{first['id']}/publish").status_code == 409

    v1 = client.get(f"/v1/questionnaires/{first['id']}/versions/1").json()
    assert v1["title"] == "Enkät" and v1["item"][0]["text"] == "Hur blev du bemött?"
    assert client.get(f"/v1/questionnaires/{first['id']}").json()["title"] == "Enkät 2b"
    assert client.get(f"/v1/questionnaires/{first['id']}/versions/3").status_code == 404


def test_publishing_opening_closing_and_unit_changes_are_published_as_events(
    client: TestClient, bus: InProcessBus
) -> None:
    questionnaire = _published(client)
    client.put("/v1/units/U1", json=UNIT)
    client.put("/v1/units/U1", json=UNIT)  # unchanged: no second event
    client.put("/v1/units/U1", json={**UNIT, "name": "Enhet Ett"})
    today = clock.today()
    survey_round = client.post(
        "/v1/rounds",
        json={
            "title": "Våren",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": ["U1"],
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=3)).isoformat(),
            "access_mode": "open_link",
            "min_cell_count": 7,
        },
    ).json()
    client.post(f"/v1/rounds/{survey_round['id']}/close")
    client.post(f"/v1/rounds/{survey_round['id']}/close")  # already closed: no second event

    [published] = _events(bus, QUESTIONNAIRE_PUBLISHED, 1)
    assert published["data"]["questionnaire_id"] == questionnaire["id"] and published["data"]["version"] == 1
    rating = published["data"]["items"][1]
    assert (rating["kind"], rating["min_value"], rating["max_value"]) == ("rating", 1, 10)
    options = published["data"]["items"][0]["options"]
    assert [(o["code"], o["order"], o["positive"], o["non_substantive"]) for o in options] == [
        ("1", 1, True, False),
        ("2", 2, False, False),
        ("9", 3, False, True),
    ]
    units = _events(bus, UNIT_UPSERTED, 2)
    assert [e["data"]["unit"]["name"] for e in units] == ["Enhet 1", "Enhet Ett"]
    assert units[0]["data"]["unit"]["organisation_id"] == "test-org"
    [opened] = _events(bus, ROUND_OPENED, 1)
    assert opened["data"] | {"opens_on": None, "closes_on": None} == {
        "round_id": survey_round["id"],
        "organisation_id": "test-org",
        "questionnaire_id": questionnaire["id"],
        "questionnaire_version": 1,
        "title": "Våren",
        "opens_on": None,
        "closes_on": None,
        "unit_ids": ["U1"],
        "access_mode": "open_link",
        "min_cell_count": 7,
    }
    [closed] = _events(bus, ROUND_CLOSED, 1)
    assert closed["data"] == {"round_id": survey_round["id"], "closed_on": today.isoformat()}
    assert closed["time"] == f"{today.isoformat()}T00:00:00Z"


def test_the_published_event_says_which_items_every_response_answers(client: TestClient, bus: InProcessBus) -> None:
    """Reporting protects a small Vet inte count differently when n is bound to be the response count."""
    follow_up = {
        "linkId": "varfor",
        "text": "Vad var dåligt?",
        "type": "group",
        "enableWhen": [{"question": "bemotande", "operator": "=", "answerCode": "2"}],
        "item": [{**ITEMS[0], "linkId": "orsak", "text": "Orsak"}],
    }
    optional = {**ITEMS[0], "linkId": "valfri", "text": "Valfri", "required": False}
    questionnaire = client.post("/v1/questionnaires", json={"title": "Enkät", "item": [*ITEMS, optional, follow_up]})
    client.post(f"/v1/questionnaires/{questionnaire.json()['id']}/publish")

    [published] = _events(bus, QUESTIONNAIRE_PUBLISHED, 1)
    assert {i["link_id"]: i["always_answered"] for i in published["data"]["items"]} == {
        "bemotande": True,  # required, asked of everyone
        "betyg": False,
        "valfri": False,
        "orsak": False,  # required, but only asked after a "Dåligt"
    }


def test_a_round_needs_a_published_version_of_the_organisations_questionnaire(
    client: TestClient, bearer: Bearer
) -> None:
    draft = client.post("/v1/questionnaires", json={"title": "Utkast", "item": ITEMS}).json()
    client.put("/v1/units/U1", json=UNIT)
    today = clock.today().isoformat()
    body = {"title": "R", "questionnaire_id": draft["id"], "unit_ids": ["U1"], "opens_on": today, "closes_on": today}
    assert client.post("/v1/rounds", json=body).status_code == 422
    client.post(f"/v1/questionnaires/{draft['id']}/publish")
    assert client.post("/v1/rounds", json=body, headers=bearer("admin", organisation_id="other")).status_code == 422
    assert client.post("/v1/rounds", json=body).json()["questionnaire_version"] == 1
