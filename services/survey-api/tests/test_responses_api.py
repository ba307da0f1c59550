"""survey-api through its HTTP API, on a migrated SQLite file and the in-process bus."""

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import RESPONSE_SUBMITTED
from insikt_common.contracts.generate import SCHEMA_DIR
from insikt_common.messaging.memory_bus import InProcessBus
from survey_api.config import Settings
from survey_api.load_shedding import IntakeLimiter
from survey_api.main import create_app

SCALE = [
    {"code": "1", "display": "Mycket nöjd", "positive": True},
    {"code": "4", "display": "Mycket missnöjd"},
    {"code": "9", "display": "Vet inte", "nonSubstantive": True},
]
ITEMS = [
    {"linkId": "bemotande", "text": "Bemötande?", "type": "choice", "required": True, "answerOption": SCALE},
    {"linkId": "betyg", "text": "Betyg 1–10", "type": "integer", "minValue": 1, "maxValue": 10},
    {"linkId": "kommentar", "text": "Något mer?", "type": "string"},
]


def _survey(client: TestClient, *, closes_in_days: int = 10) -> str:
    questionnaire = client.post("/v1/questionnaires", json={"title": "Test", "item": ITEMS}).json()
    assert client.post(f"/v1/questionnaires/{questionnaire['id']}/publish").status_code == 200
    client.put("/v1/units/U1", json={"name": "Enhet 1", "type": "hvb", "municipality_code": "0580"})
    client.put("/v1/units/U2", json={"name": "Enhet 2", "type": "hvb", "municipality_code": "0580"})
    today = clock.today()
    response = client.post(
        "/v1/rounds",
        json={
            "title": "R",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": ["U1"],
            "opens_on": (today - timedelta(days=20)).isoformat(),
            "closes_on": (today + timedelta(days=closes_in_days)).isoformat(),
            "access_mode": "open_link",
        },
    )
    assert response.status_code == 201, response.text
    round_id = str(response.json()["id"])
    [link] = client.get(f"/v1/rounds/{round_id}/links").json()
    LINKS[round_id] = link["link"]
    return round_id


Bearer = Callable[..., dict[str, str]]

LINKS: dict[str, str] = {}
"""The open link of each round made by ``_survey``."""


def _body(round_id: str, answers: list[dict[str, Any]] | None = None, unit_id: str = "U1") -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "link": LINKS.get(round_id, "no-such-link"),
        "round_id": round_id,
        "unit_id": unit_id,
        "answers": answers if answers is not None else [{"link_id": "bemotande", "code": "1"}],
    }


def _events(bus: InProcessBus, expected: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while len(messages := bus.topic_messages(RESPONSE_SUBMITTED.topic)) < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return [json.loads(m.value or b"") for m in messages]


def test_an_accepted_response_is_published_as_a_valid_event_without_time_of_day(
    client: TestClient, bus: InProcessBus
) -> None:
    round_id = _survey(client)
    body = _body(round_id, [{"link_id": "bemotande", "code": "1"}, {"link_id": "betyg", "number": 8}])
    response = client.post("/v1/responses", json=body)
    assert response.status_code == 201
    assert response.json() == {
        "submission_id": body["submission_id"],
        "received_on": clock.today().isoformat(),
        "status": "accepted",
    }

    [event] = _events(bus, 1)
    jsonschema.validate(event, json.loads((SCHEMA_DIR / f"{RESPONSE_SUBMITTED.type}.json").read_text()))
    assert event["time"] == f"{clock.today().isoformat()}T00:00:00Z"
    assert event["data"]["unit"] == {
        "id": "U1",
        "name": "Enhet 1",
        "type": "hvb",
        "municipality_code": "0580",
        "organisation_id": "test-org",
    }
    assert body["submission_id"] not in json.dumps(event)


def test_the_same_submission_again_gets_the_same_receipt_and_other_content_a_conflict(
    client: TestClient, bus: InProcessBus
) -> None:
    round_id = _survey(client)
    body = _body(round_id)
    first = client.post("/v1/responses", json=body)
    again = client.post("/v1/responses", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    changed = {**body, "answers": [{"link_id": "bemotande", "code": "4"}]}
    conflict = client.post("/v1/responses", json=changed)
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "Conflict"
    assert len(_events(bus, 1)) == 1


def test_invalid_answers_get_422_naming_each_item_and_store_nothing(
    client: TestClient, bus: InProcessBus, database_file: Path
) -> None:
    round_id = _survey(client)
    response = client.post(
        "/v1/responses",
        json=_body(
            round_id,
            [
                {"link_id": "okand", "code": "1"},
                {"link_id": "betyg", "number": 11},
                {"link_id": "kommentar", "text": "x" * 51},
            ],
        ),
    )
    assert response.status_code == 422
    detail = {(d["field"], d["message"]) for d in response.json()["detail"]}
    assert ("answers.0.link_id", "unknown linkId 'okand'") in detail
    assert ("answers.1", "betyg: number must be between 1 and 10") in detail
    assert ("answers.2", "kommentar: text must be at most 50 characters") in detail
    assert ("answers", "required item 'bemotande' is missing") in detail

    wrong_code = client.post("/v1/responses", json=_body(round_id, [{"link_id": "bemotande", "code": "7"}]))
    assert wrong_code.status_code == 422
    assert wrong_code.json()["detail"] == [{"field": "answers.0", "message": "bemotande: code must be one of 1, 4, 9"}]
    for endless in ("1e400", "NaN"):
        answers = f'[{{"link_id": "bemotande", "code": "1"}}, {{"link_id": "betyg", "number": {endless}}}]'
        body = json.dumps(_body(round_id)).replace('[{"link_id": "bemotande", "code": "1"}]', answers)
        not_a_number = client.post("/v1/responses", content=body, headers={"content-type": "application/json"})
        assert not_a_number.status_code == 422, endless
        assert [d["field"] for d in not_a_number.json()["detail"]] == ["answers.1.number"]
    time.sleep(0.2)
    assert bus.topic_messages(RESPONSE_SUBMITTED.topic) == []


def test_a_malformed_body_names_the_field(client: TestClient) -> None:
    response = client.post(
        "/v1/responses", json={"submission_id": "not-a-uuid", "round_id": "r", "unit_id": "U1", "answers": []}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "submission_id"


def test_unknown_round_and_unit_outside_the_round_are_404_and_a_closed_round_is_410(client: TestClient) -> None:
    round_id = _survey(client)
    assert client.post("/v1/responses", json=_body("no-such-round")).status_code == 404
    assert client.post("/v1/responses", json=_body(round_id, unit_id="U2")).status_code == 404
    assert client.post(f"/v1/rounds/{round_id}/close").json()["status"] == "closed"
    closed = client.post("/v1/responses", json=_body(round_id))
    assert closed.status_code == 410
    assert closed.json()["error"] == "Gone"


def test_a_published_questionnaire_cannot_be_published_again(client: TestClient) -> None:
    questionnaire = client.post("/v1/questionnaires", json={"title": "T", "item": ITEMS}).json()
    assert client.post(f"/v1/questionnaires/{questionnaire['id']}/publish").status_code == 200
    assert client.post(f"/v1/questionnaires/{questionnaire['id']}/publish").status_code == 409


def test_the_stored_response_holds_no_submission_id_and_no_time_of_day(client: TestClient, database_file: Path) -> None:
    round_id = _survey(client)
    body = _body(round_id)
    assert client.post("/v1/responses", json=body).status_code == 201
    with sqlite3.connect(database_file) as db:
        db.row_factory = sqlite3.Row
        [row] = db.execute("SELECT * FROM response").fetchall()
    stored = dict(row)
    assert body["submission_id"] not in json.dumps(stored)
    assert stored["submitted_on"] == clock.today().isoformat()
    assert set(stored) == {
        "id",
        "round_id",
        "unit_id",
        "questionnaire_id",
        "questionnaire_version",
        "submitted_on",
        "answers",
        "submission_key",
        "content_digest",
    }
    assert uuid.UUID(stored["id"]).version == 4


def test_free_text_is_scrubbed_before_it_is_stored_or_published(
    client: TestClient, bus: InProcessBus, database_file: Path
) -> None:
    round_id = _survey(client)
    comment = "Ring 070-123 45 67 el. 850312-1234, a@b.se"
    body = _body(round_id, [{"link_id": "bemotande", "code": "1"}, {"link_id": "kommentar", "text": comment}])
    assert client.post("/v1/responses", json=body).status_code == 201
    assert client.post("/v1/responses", json=body).status_code == 200  # a resend is still the same submission
    [event] = _events(bus, 1)
    with sqlite3.connect(database_file) as db:
        [stored] = [row[0] for row in db.execute("SELECT answers FROM response")]
    for where in (stored, json.dumps(event)):
        for secret in ("070-123 45 67", "850312-1234", "a@b.se"):
            assert secret not in where
    assert event["data"]["answers"][1]["text"] == (
        "Ring [telefonnummer borttaget] el. [personnummer borttaget], [e-post borttagen]"
    )


def test_an_answer_is_stored_and_published_with_the_one_value_it_has(
    client: TestClient, bus: InProcessBus, database_file: Path
) -> None:
    round_id = _survey(client)
    body = _body(round_id, [{"link_id": "bemotande", "code": "1", "number": None, "text": None}])
    assert client.post("/v1/responses", json=body).status_code == 201
    without_nulls = body | {"answers": [{"link_id": "bemotande", "code": "1"}]}
    assert client.post("/v1/responses", json=without_nulls).status_code == 200, "the same answers"
    [event] = _events(bus, 1)
    with sqlite3.connect(database_file) as db:
        [stored] = [json.loads(row[0]) for row in db.execute("SELECT answers FROM response")]
    assert event["data"]["answers"] == stored == [{"link_id": "bemotande", "code": "1"}]


def test_a_body_over_the_limit_is_413_by_header_and_by_what_is_actually_sent(client: TestClient) -> None:
    round_id = _survey(client)
    big = _body(round_id, [{"link_id": "bemotande", "code": "1"}, {"link_id": "kommentar", "text": "x" * 70_000}])
    declared = client.post("/v1/responses", json=big)
    assert declared.status_code == 413
    assert declared.json()["error"] == "PayloadTooLarge"

    raw = json.dumps(big).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 8192):
            yield raw[start : start + 8192]

    streamed = client.post("/v1/responses", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    small = client.post("/v1/responses", json=_body(round_id))
    assert small.status_code == 201


@pytest.fixture
def busy_client(database_file: Path, bus: InProcessBus, bearer: Bearer) -> Iterator[TestClient]:
    """One request at a time, one more may wait."""
    settings = Settings(
        database_url=f"sqlite:///{database_file}",
        environment="test",
        intake_concurrency=1,
        intake_queue=1,
        intake_queue_wait_s=60,
    )
    with TestClient(create_app(settings, bus), headers=bearer("admin")) as client:
        yield client


def test_responses_beyond_capacity_get_503_with_retry_after_and_a_resend_is_accepted_once(
    busy_client: TestClient, database_file: Path
) -> None:
    client = busy_client
    round_id = _survey(client)
    limiter: IntakeLimiter = client.app.state.intake_limiter  # type: ignore[attr-defined]
    assert client.portal is not None
    held = limiter.slot()
    client.portal.call(held.__aenter__)  # a request is running

    queued_body, refused_body = _body(round_id), _body(round_id)
    with ThreadPoolExecutor(max_workers=1) as pool:
        queued = pool.submit(client.post, "/v1/responses", json=queued_body)
        while limiter.waiting == 0:
            assert not queued.done()
        refused = client.post("/v1/responses", json=refused_body)
        assert (refused.status_code, refused.headers["retry-after"]) == (503, "1")
        assert refused.json()["error"] == "Overloaded"
        access = client.post("/v1/access", json={"link": queued_body["link"]})
        assert access.status_code == 503
        client.portal.call(held.__aexit__, None, None, None)
        assert queued.result().status_code == 201

    assert client.post("/v1/responses", json=refused_body).status_code == 201
    assert client.post("/v1/responses", json=refused_body).status_code == 200
    stored = _submission_count(database_file, round_id)
    assert stored == 2


def _submission_count(database_file: Path, round_id: str) -> int:
    with sqlite3.connect(database_file) as db:
        rows: list[Any] = db.execute("SELECT answers FROM response WHERE round_id = ?", (round_id,)).fetchall()
    assert all(json.loads(r[0]) for r in rows)
    return len(rows)
