"""One-time codes and open links: issuing, answering once, lockout, response rate, anonymity."""

import hashlib
import json
import math
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.contracts.catalogue import CODES_ISSUED, RESPONSE_SUBMITTED
from insikt_common.messaging.memory_bus import InProcessBus
from survey_api.access import codes
from survey_api.config import Settings
from survey_api.main import create_app

SCALE = [
    {"code": "1", "display": "Mycket nöjd", "displayTranslation": {"en": "Very satisfied"}, "positive": True},
    {"code": "2", "display": "Missnöjd", "displayTranslation": {"en": "Dissatisfied"}},
    {"code": "9", "display": "Vet inte", "displayTranslation": {"en": "Don't know"}, "nonSubstantive": True},
]
QUESTIONNAIRE = {
    "title": "Enkät",
    "titleTranslation": {"en": "Survey"},
    "item": [
        {
            "linkId": "bemotande",
            "text": "Hur blev du bemött?",
            "textTranslation": {"en": "How were you treated?"},
            "type": "choice",
            "required": True,
            "answerOption": SCALE,
        },
        {"linkId": "kommentar", "text": "Något mer?", "type": "text"},
    ],
}


def _round(client: TestClient, access_mode: str = "codes", units: tuple[str, ...] = ("U1",)) -> str:
    questionnaire = client.post("/v1/questionnaires", json=QUESTIONNAIRE).json()
    client.post(f"/v1/questionnaires/{questionnaire['id']}/publish")
    for unit in units:
        client.put(f"/v1/units/{unit}", json={"name": f"Enhet {unit}", "type": "hvb", "municipality_code": "0580"})
    today = clock.today()
    created = client.post(
        "/v1/rounds",
        json={
            "title": "R",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": list(units),
            "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": (today + timedelta(days=1)).isoformat(),
            "access_mode": access_mode,
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _codes(client: TestClient, round_id: str, count: int, unit: str = "U1") -> list[str]:
    issued = client.post(f"/v1/rounds/{round_id}/units/{unit}/codes", json={"count": count})
    assert issued.status_code == 201, issued.text
    return list(issued.json()["codes"])


def _answer(code: str, choice: str = "1", submission_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "submission_id": submission_id or str(uuid.uuid4()),
        "code": code,
        "answers": [{"link_id": "bemotande", "code": choice}],
        **extra,
    }


def _rows(database_file: Path, table: str) -> list[dict[str, Any]]:
    with sqlite3.connect(database_file) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute(f"SELECT * FROM {table}")]


def test_codes_are_human_friendly_and_have_at_least_50_bits() -> None:
    made = {codes.generate() for _ in range(2000)}
    assert len(made) == 2000
    assert codes.ENTROPY_BITS >= 50
    assert all(len(c) == 14 and c[4] == c[9] == "-" for c in made)
    assert not set("".join(made)) & set("01OIL")
    assert codes.digest("k7qm 2xpa 9rtd") == codes.digest("K7QM-2XPA-9RTD")
    assert math.log2(len(codes.ALPHABET)) * 12 == codes.ENTROPY_BITS


def test_codes_are_shown_once_and_stored_only_as_hashes(
    client: TestClient, bus: InProcessBus, database_file: Path
) -> None:
    round_id = _round(client)
    issued = _codes(client, round_id, 25)
    assert len(set(issued)) == 25
    stored = _rows(database_file, "access_code")
    assert len(stored) == 25
    dump = json.dumps(stored)
    assert not any(c in dump or codes.normalise(c) in dump for c in issued)
    assert {r["code_hash"] for r in stored} == {codes.digest(c) for c in issued}

    deadline = time.monotonic() + 5
    while not (events := bus.topic_messages(CODES_ISSUED.topic)) and time.monotonic() < deadline:
        time.sleep(0.02)
    [event] = [json.loads(m.value or b"") for m in events]
    assert event["data"] == {"round_id": round_id, "unit_id": "U1", "count": 25, "issued_on": clock.today().isoformat()}


def test_a_code_opens_the_survey_in_english_and_answers_once(client: TestClient) -> None:
    round_id = _round(client)
    [code] = _codes(client, round_id, 1)
    survey = client.post("/v1/access", json={"code": code}, headers={"Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"})
    assert survey.status_code == 200, survey.text
    body = survey.json()
    assert (body["round_id"], body["unit_id"], body["language"]) == (round_id, "U1", "en")
    assert body["questionnaire"]["title"] == "Survey"
    [first, free_text] = body["questionnaire"]["item"]
    assert first["text"] == "How were you treated?"
    assert [o["display"] for o in first["answerOption"]] == ["Very satisfied", "Dissatisfied", "Don't know"]
    assert free_text["text"] == "Något mer?"  # no English text: Swedish
    swedish = client.post("/v1/access?lang=fi", json={"code": code}).json()
    assert (swedish["language"], swedish["questionnaire"]["title"]) == ("sv", "Enkät")
    assert client.post("/v1/access?lang=en", json={"code": code}).json()["language"] == "en"

    answer = _answer(code.lower().replace("-", " "))
    assert client.post("/v1/responses", json=answer).status_code == 201
    assert client.post("/v1/responses", json=answer).status_code == 200  # the same submission: same receipt
    again = client.post("/v1/responses", json=_answer(code))
    assert again.status_code == 409
    assert again.json() == {"error": "Conflict", "detail": "this code has already been used"}
    assert client.post("/v1/access", json={"code": code}).status_code == 409


def test_a_code_for_one_unit_does_not_answer_for_another(client: TestClient) -> None:
    round_id = _round(client, units=("U1", "U2"))
    [code] = _codes(client, round_id, 1, unit="U2")
    assert client.post("/v1/responses", json=_answer(code, unit_id="U1")).status_code == 404
    assert client.post("/v1/responses", json=_answer(code, unit_id="U2", round_id=round_id)).status_code == 201


def test_codes_of_a_closed_round_get_410(client: TestClient) -> None:
    round_id = _round(client)
    [code] = _codes(client, round_id, 1)
    client.post(f"/v1/rounds/{round_id}/close")
    assert client.post("/v1/access", json={"code": code}).status_code == 410
    assert client.post("/v1/responses", json=_answer(code)).status_code == 410
    assert client.post(f"/v1/rounds/{round_id}/units/U1/codes", json={"count": 1}).status_code == 409


@pytest.fixture
def strict_settings(database_file: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{database_file}",
        environment="test",
        code_attempt_limit=3,
        open_link_limit=2,
    )


@pytest.fixture
def strict(strict_settings: Settings, bus: InProcessBus, client: TestClient) -> Iterator[TestClient]:
    with TestClient(create_app(strict_settings, bus), headers=client.headers) as strict:
        yield strict


def test_repeated_wrong_codes_get_429_and_the_lockout_survives_a_restart(
    strict: TestClient, strict_settings: Settings, bus: InProcessBus
) -> None:
    round_id = _round(strict)
    [code] = _codes(strict, round_id, 1)
    wrong = ["AAAA-BBBB-CCCC", "not a code", "2345-6789-ABCD"]
    assert [strict.post("/v1/responses", json=_answer(w)).status_code for w in wrong] == [404, 404, 404]
    assert strict.post("/v1/responses", json=_answer(code)).status_code == 429
    assert strict.post("/v1/access", json={"code": code}).status_code == 429
    with TestClient(create_app(strict_settings, bus)) as restarted:
        locked = restarted.post("/v1/responses", json=_answer(code))
        assert locked.status_code == 429
        assert locked.json()["error"] == "TooManyRequests"


def test_an_open_link_takes_responses_up_to_its_rate_limit(strict: TestClient) -> None:
    round_id = _round(strict, access_mode="open_link")
    [link] = strict.get(f"/v1/rounds/{round_id}/links").json()
    assert link["url"].endswith(f"?link={link['link']}")
    body = {"answers": [{"link_id": "bemotande", "code": "2"}], "link": link["link"]}
    statuses = [
        strict.post("/v1/responses", json={**body, "submission_id": str(uuid.uuid4())}).status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert strict.post("/v1/access", json={"link": "wrong"}).status_code == 404
    assert strict.post(f"/v1/rounds/{round_id}/units/U1/codes", json={"count": 1}).status_code == 409


def test_participation_counts_codes_handed_out_and_used(client: TestClient) -> None:
    round_id = _round(client, units=("U1", "U2"))
    issued = _codes(client, round_id, 4)
    for code in issued[:3]:
        assert client.post("/v1/responses", json=_answer(code)).status_code == 201
    rows = client.get(f"/v1/rounds/{round_id}/participation").json()
    assert rows == [
        {
            "unit_id": "U1",
            "access_mode": "codes",
            "codes_issued": 4,
            "codes_used": 3,
            "responses": 3,
            "response_rate": 0.75,
        },
        {
            "unit_id": "U2",
            "access_mode": "codes",
            "codes_issued": 0,
            "codes_used": 0,
            "responses": 0,
            "response_rate": None,
        },
    ]


def test_a_used_code_cannot_be_tied_to_its_response(client: TestClient, bus: InProcessBus, database_file: Path) -> None:
    round_id = _round(client)
    issued = _codes(client, round_id, 3)
    bodies = [_answer(c, choice) for c, choice in zip(issued, ["1", "2", "9"], strict=True)]
    for body in bodies:
        assert client.post("/v1/responses", json=body).status_code == 201

    code_rows = _rows(database_file, "access_code")
    # A code's row says nothing about its use: that is kept for the whole unit on its round unit.
    assert set(code_rows[0]) == {"code_hash", "round_id", "unit_id", "issued_on", "ordinal"}
    assert sorted(r["ordinal"] for r in code_rows) == [0, 1, 2]
    [round_unit] = _rows(database_file, "round_unit")
    assert round_unit["codes_used"] == "111"
    responses = _rows(database_file, "response")
    assert all(uuid.UUID(r["id"]).version == 4 for r in responses)
    stored = json.dumps(responses)
    events = json.dumps([json.loads(m.value or b"") for m in bus.topic_messages(RESPONSE_SUBMITTED.topic)])
    for body in bodies:
        code = body["code"]
        for secret in (code, codes.normalise(code), codes.digest(code)):
            assert secret not in stored and secret not in events
    # The idempotency digest covers the answers only: the same answers with any code give the same digest.
    for row, body in zip(
        sorted(responses, key=lambda r: r["answers"]),
        sorted(bodies, key=lambda b: b["answers"][0]["code"]),
        strict=True,
    ):
        plain = hashlib.sha256(json.dumps(body["answers"], sort_keys=True).encode()).hexdigest()
        assert row["content_digest"] == plain
    limits = _rows(database_file, "rate_limit")
    assert all(r["key"].split(":")[1] != "testclient" for r in limits)


def test_counters_of_windows_long_over_are_purged(client: TestClient, database_file: Path) -> None:
    with sqlite3.connect(database_file) as db:
        db.execute(
            "INSERT INTO rate_limit (key, window_started_at, count) VALUES ('client:old', '2020-01-01 00:00:00', 3)"
        )
    assert client.post("/v1/responses", json=_answer("2345-6789-ABCD")).status_code == 404
    keys = [r["key"] for r in _rows(database_file, "rate_limit")]
    assert "client:old" not in keys and len(keys) == 1


def test_a_round_not_yet_open_gets_410(client: TestClient) -> None:
    questionnaire = client.post("/v1/questionnaires", json=QUESTIONNAIRE).json()
    client.post(f"/v1/questionnaires/{questionnaire['id']}/publish")
    client.put("/v1/units/U1", json={"name": "Enhet", "type": "hvb", "municipality_code": "0580"})
    tomorrow = clock.today() + timedelta(days=1)
    survey_round = client.post(
        "/v1/rounds",
        json={
            "title": "Sen",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": ["U1"],
            "opens_on": tomorrow.isoformat(),
            "closes_on": (tomorrow + timedelta(days=7)).isoformat(),
        },
    ).json()
    [code] = _codes(client, survey_round["id"], 1)
    early = client.post("/v1/access", json={"code": code})
    assert (early.status_code, early.json()["error"]) == (410, "Gone")
    assert client.post("/v1/responses", json=_answer(code)).status_code == 410
    [row] = client.get(f"/v1/rounds/{survey_round['id']}/participation").json()
    assert row["codes_used"] == 0  # refused, so the code is still good on the first day
