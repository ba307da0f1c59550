"""What a municipality does before a survey, through survey-api's public API only.

Loads Insikt's 12-item example questionnaire for young people in placements (eleven choice
items and one free-text item), publishes it, registers the units and opens a code round, then
hands out one-time codes. Answers are drawn at random from each item's own options.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from insikt_common import clock
from insikt_common.auth import mint_token

DEV_SECRET = "dev-only-auth-secret-never-in-production"
"""The services' development HS256 secret (accepted outside production only)."""
ORGANISATION = "bench-org"
QUESTIONNAIRE = "unga-placerade"
MAX_CODES_PER_CALL = 5000
MUNICIPALITIES = ("0580", "0180", "1480", "1280", "0380", "2480", "1880", "0680")

COMMENTS = (
    "Personalen lyssnar oftast på mig men ibland känns det som att ingen har tid.",
    "Jag vill träffa min socialsekreterare oftare, det har gått flera månader sedan sist.",
    "Bra boende. Maten kunde vara bättre och jag vill kunna vara ute längre på helgerna.",
    "Min kontaktperson är snäll. Ring mig gärna på 070-123 45 67 om ni vill veta mer.",
    "Skolan fungerar bättre nu än förut, men jag förstår fortfarande inte min plan.",
    "",
)


def admin_headers() -> dict[str, str]:
    token = mint_token(DEV_SECRET, subject="bench", organisation_id=ORGANISATION, roles=["admin"])
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Survey:
    round_id: str
    questionnaire_id: str
    items: list[dict[str, Any]]
    """The answerable items: ``linkId``, ``type`` and the option codes of choice items."""
    unit_ids: list[str]
    codes: list[tuple[str, str]]
    """(unit id, code), in the order the load generator should use them."""


def _ok(response: httpx.Response) -> Any:
    if not response.is_success:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    return response.json()


def _answerable(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item.get("type") == "group":
            out.extend(_answerable(item.get("item", [])))
        else:
            codes = [o["code"] for o in item.get("answerOption") or [] if "code" in o]
            out.append({"linkId": item.get("linkId") or item.get("link_id"), "type": item["type"], "codes": codes})
    return out


def prepare_survey(survey_url: str, units: int, codes_per_unit: int, seed: int = 1) -> Survey:
    """A published 12-item questionnaire, ``units`` units in one code round, and their codes."""
    with httpx.Client(base_url=survey_url, headers=admin_headers(), timeout=120) as client:
        draft = _ok(client.post(f"/v1/questionnaires/examples/{QUESTIONNAIRE}"))
        published = _ok(client.post(f"/v1/questionnaires/{draft['id']}/publish"))
        unit_ids = [f"{MUNICIPALITIES[i % len(MUNICIPALITIES)]}-BENCH{i:03d}" for i in range(units)]
        for i, unit_id in enumerate(unit_ids):
            body = {"name": f"Benchenhet {i}", "type": "hvb", "municipality_code": unit_id[:4]}
            _ok(client.put(f"/v1/units/{unit_id}", json=body))
        today = clock.today()
        survey_round = _ok(
            client.post(
                "/v1/rounds",
                json={
                    "title": "Benchmark",
                    "questionnaire_id": draft["id"],
                    "unit_ids": unit_ids,
                    "opens_on": (today - timedelta(days=1)).isoformat(),
                    "closes_on": (today + timedelta(days=30)).isoformat(),
                    "access_mode": "codes",
                },
            )
        )
        per_unit: dict[str, list[str]] = {}
        for unit_id in unit_ids:
            left = codes_per_unit
            while left > 0:
                count = min(left, MAX_CODES_PER_CALL)
                issued = _ok(
                    client.post(f"/v1/rounds/{survey_round['id']}/units/{unit_id}/codes", json={"count": count})
                )
                per_unit.setdefault(unit_id, []).extend(issued["codes"])
                left -= count
    # Interleave the units so every unit (and every Kafka partition) gets a steady share.
    codes = [(u, per_unit[u][i]) for i in range(codes_per_unit) for u in unit_ids]
    items = _answerable(published.get("item") or published.get("content", {}).get("item", []))
    random.Random(seed).shuffle(codes)
    return Survey(survey_round["id"], draft["id"], items, unit_ids, codes)


def answers_for(items: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """One respondent's answers: every choice item, and a comment in most responses."""
    answers: list[dict[str, Any]] = []
    for item in items:
        if item["codes"]:
            answers.append({"link_id": item["linkId"], "code": rng.choice(item["codes"])})
        elif item["type"] in ("text", "string") and (comment := rng.choice(COMMENTS)):
            answers.append({"link_id": item["linkId"], "text": comment})
        elif item["type"] in ("integer", "decimal"):
            answers.append({"link_id": item["linkId"], "number": rng.randint(1, 10)})
    return answers
