"""What a client of the public APIs does in these tests: set up a survey, answer it, read reports."""

import uuid
from datetime import timedelta
from typing import Any

import httpx

from insikt_common import clock
from insikt_common.auth import mint_token

SCALE = [
    {"code": "1", "display": "Mycket nöjd", "positive": True},
    {"code": "2", "display": "Ganska nöjd", "positive": True},
    {"code": "3", "display": "Ganska missnöjd"},
    {"code": "4", "display": "Mycket missnöjd"},
    {"code": "9", "display": "Vet inte", "nonSubstantive": True},
]


DEV_SECRET = "dev-only-auth-secret-never-in-production"
"""The services' development HS256 secret (accepted only outside production)."""


def token(roles: list[str], organisation_id: str = "demo-org", units: list[str] | None = None) -> str:
    return mint_token(DEV_SECRET, subject="e2e", organisation_id=organisation_id, roles=roles, unit_ids=units or [])


def bearer(roles: list[str], organisation_id: str = "demo-org", units: list[str] | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(roles, organisation_id, units)}"}


ADMIN = bearer(["admin"])


def ok(response: httpx.Response) -> Any:
    assert response.is_success, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json()


LINKS: dict[tuple[str, str], str] = {}
"""The open link of each (round, unit) that ``open_survey`` made."""


def open_survey(survey_url: str, unit_id: str) -> str:
    """A published two-question questionnaire and an open-link round for one new unit; returns the round id."""
    with httpx.Client(base_url=survey_url, timeout=10, headers=ADMIN) as client:
        questionnaire = ok(
            client.post(
                "/v1/questionnaires",
                json={
                    "title": "Brukarundersökning test",
                    "item": [
                        {
                            "linkId": "bemotande",
                            "text": "Bemötande",
                            "type": "choice",
                            "required": True,
                            "answerOption": SCALE,
                        },
                        {"linkId": "trygghet", "text": "Trygghet", "type": "choice", "answerOption": SCALE},
                    ],
                },
            )
        )
        ok(client.post(f"/v1/questionnaires/{questionnaire['id']}/publish"))
        ok(
            client.put(
                f"/v1/units/{unit_id}", json={"name": f"Enhet {unit_id}", "type": "hvb", "municipality_code": "0580"}
            )
        )
        today = clock.today()
        survey_round = ok(
            client.post(
                "/v1/rounds",
                json={
                    "title": "Test",
                    "questionnaire_id": questionnaire["id"],
                    "unit_ids": [unit_id],
                    "opens_on": (today - timedelta(days=1)).isoformat(),
                    "closes_on": (today + timedelta(days=1)).isoformat(),
                    "access_mode": "open_link",
                },
            )
        )
        [link] = ok(client.get(f"/v1/rounds/{survey_round['id']}/links"))
        LINKS[(survey_round["id"], unit_id)] = link["link"]
        return str(survey_round["id"])


def codes_round(client: httpx.Client, unit_id: str, title: str, count: int) -> tuple[str, list[str]]:
    """The ifo-vuxna example, published; a unit; a round by one-time codes open today; ``count``
    codes issued to the unit. Returns the round id and the codes."""
    questionnaire = ok(client.post("/v1/questionnaires/examples/ifo-vuxna", headers=ADMIN))
    ok(client.post(f"/v1/questionnaires/{questionnaire['id']}/publish", headers=ADMIN))
    unit = {"name": "Enheten", "type": "ifo_vuxen", "municipality_code": "0580"}
    ok(client.put(f"/v1/units/{unit_id}", json=unit, headers=ADMIN))
    today = clock.today()
    survey_round = ok(
        client.post(
            "/v1/rounds",
            headers=ADMIN,
            json={
                "title": title,
                "questionnaire_id": questionnaire["id"],
                "unit_ids": [unit_id],
                "opens_on": (today - timedelta(days=1)).isoformat(),
                "closes_on": (today + timedelta(days=1)).isoformat(),
                "access_mode": "codes",
            },
        )
    )
    issued = client.post(f"/v1/rounds/{survey_round['id']}/units/{unit_id}/codes", json={"count": count}, headers=ADMIN)
    return survey_round["id"], ok(issued)["codes"]


def response_body(round_id: str, unit_id: str, code: str, submission_id: str | None = None) -> dict[str, Any]:
    return {
        "submission_id": submission_id or str(uuid.uuid4()),
        "link": LINKS[(round_id, unit_id)],
        "round_id": round_id,
        "unit_id": unit_id,
        "answers": [{"link_id": "bemotande", "code": code}],
    }


def counted_responses(reporting_url: str, round_id: str, unit_id: str) -> int | None:
    """The unit's response count as the report shows it; None while reporting has none."""
    response = httpx.get(f"{reporting_url}/v1/reports/surveys/{round_id}/units/{unit_id}", headers=ADMIN, timeout=5)
    if response.status_code == 404:
        return None
    value = ok(response)["responses"]["value"]
    return int(value) if value is not None else 0


def answer_counts(reporting_url: str, round_id: str, unit_id: str) -> dict[str, int | None]:
    report = ok(httpx.get(f"{reporting_url}/v1/reports/surveys/{round_id}/units/{unit_id}", headers=ADMIN, timeout=5))
    question = next(q for q in report["questions"] if q["link_id"] == "bemotande")
    return {row["answer"]: row["count"]["value"] for row in question["answers"]}
