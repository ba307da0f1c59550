"""Demo data, loaded through the public APIs exactly as a client would.

Usable against any running Insikt: ``python deploy/embedded/demo.py SURVEY_URL OUTCOME_URL``.
The questionnaire and the instrument scores are written for Insikt's demo, not taken from any
published survey.
"""

import os
import random
import sys
import uuid
from datetime import timedelta
from typing import Any

import httpx

from insikt_common import clock
from insikt_common.auth import mint_token

SATISFACTION = [
    {"code": "1", "display": "Mycket nöjd", "positive": True},
    {"code": "2", "display": "Ganska nöjd", "positive": True},
    {"code": "3", "display": "Ganska missnöjd"},
    {"code": "4", "display": "Mycket missnöjd"},
    {"code": "9", "display": "Vet inte", "nonSubstantive": True},
]

QUESTIONNAIRE: dict[str, Any] = {
    "title": "Demo: Vuxna inom individ- och familjeomsorg",
    "item": [
        {
            "linkId": "bemotande",
            "text": "Hur nöjd är du med hur personalen bemöter dig?",
            "type": "choice",
            "required": True,
            "area": "bemotande",
            "answerOption": SATISFACTION,
        },
        {
            "linkId": "delaktighet",
            "text": "Hur nöjd är du med hur du får vara med och bestämma?",
            "type": "choice",
            "required": True,
            "area": "delaktighet",
            "answerOption": SATISFACTION,
        },
        {
            "linkId": "information",
            "text": "Hur nöjd är du med informationen du får?",
            "type": "choice",
            "area": "information",
            "answerOption": SATISFACTION,
        },
        {
            "linkId": "helhet",
            "text": "Hur nöjd är du med stödet som helhet?",
            "type": "choice",
            "required": True,
            "area": "forandring",
            "answerOption": SATISFACTION,
        },
    ],
}

UNITS = {
    "0580-IFO01": {"name": "Linköping vuxenenhet", "type": "ifo_vuxen", "municipality_code": "0580"},
    "0581-IFO01": {"name": "Norrköping vuxenenhet", "type": "ifo_vuxen", "municipality_code": "0581"},
    "0582-IFO01": {"name": "Söderköping vuxenenhet", "type": "ifo_vuxen", "municipality_code": "0582"},
}
RESPONSES = {"0580-IFO01": 90, "0581-IFO01": 60, "0582-IFO01": 24}
"""Unequal units, as in real rounds: the small one shows what disclosure control withholds."""
DEV_SECRET = "dev-only-auth-secret-never-in-production"
PARTICIPANTS_PER_UNIT = 6
INSTRUMENT = "insikt-livssituation"


def load(survey_url: str, outcome_url: str, seed: int = 2026) -> dict[str, str]:
    """Create the demo and return the ids a person needs to look at it."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {_token()}"}
    with httpx.Client(base_url=survey_url, timeout=30, headers=headers) as survey:
        questionnaire = _ok(survey.post("/v1/questionnaires", json=QUESTIONNAIRE)).json()
        _ok(survey.post(f"/v1/questionnaires/{questionnaire['id']}/publish"))
        for unit_id, unit in UNITS.items():
            _ok(survey.put(f"/v1/units/{unit_id}", json=unit))
        today = clock.today()
        survey_round = _ok(
            survey.post(
                "/v1/rounds",
                json={
                    "title": f"Demo-omgång {today.year}",
                    "questionnaire_id": questionnaire["id"],
                    "unit_ids": list(UNITS),
                    "opens_on": (today - timedelta(days=30)).isoformat(),
                    "closes_on": (today + timedelta(days=30)).isoformat(),
                    "access_mode": "open_link",
                },
            )
        ).json()
        links = {
            row["unit_id"]: row["link"] for row in _ok(survey.get(f"/v1/rounds/{survey_round['id']}/links")).json()
        }
        for unit_id, count in RESPONSES.items():
            for _ in range(count):
                _ok(survey.post("/v1/responses", json=_response(rng, links[unit_id])))
    with httpx.Client(base_url=outcome_url, timeout=30, headers=headers) as outcome:
        for unit_id, unit in UNITS.items():
            for _ in range(PARTICIPANTS_PER_UNIT):
                _participant(rng, outcome, {"id": unit_id, **unit})
    return {"round_id": survey_round["id"], "unit_id": next(iter(UNITS))}


def _token() -> str:
    """``INSIKT_DEMO_TOKEN`` when set (any real deployment); else a development admin token."""
    return os.environ.get("INSIKT_DEMO_TOKEN") or mint_token(
        DEV_SECRET, subject="demo-loader", organisation_id="demo-org", roles=["admin"]
    )


def _response(rng: random.Random, link: str) -> dict[str, object]:
    answers = [
        {"link_id": item["linkId"], "code": rng.choices(["1", "2", "3", "4", "9"], [5, 4, 2, 1, 1])[0]}
        for item in QUESTIONNAIRE["item"]
        if item.get("required") or rng.random() < 0.8
    ]
    return {"submission_id": str(uuid.uuid4()), "link": link, "answers": answers}


def _participant(rng: random.Random, outcome: httpx.Client, unit: dict[str, str]) -> None:
    participant = _ok(
        outcome.post(
            "/v1/participants",
            json={"unit": unit, "birth_year": rng.randint(1960, 2004), "gender": rng.choice(["female", "male"])},
        )
    ).json()
    instrument = _ok(outcome.get("/v1/instruments")).json()[0]
    today = clock.today()
    baseline = {area["code"]: rng.randint(2, 6) for area in instrument["areas"]}
    later = {area: min(10, score + rng.randint(-1, 3)) for area, score in baseline.items()}
    for occasion, scores, days_ago in (("baseline", baseline, 120), ("follow_up", later, 10)):
        _ok(
            outcome.post(
                f"/v1/participants/{participant['id']}/assessments",
                json={
                    "instrument_id": instrument["id"],
                    "occasion": occasion,
                    "rater": "joint",
                    "assessed_on": (today - timedelta(days=days_ago)).isoformat(),
                    "scores": scores,
                },
            )
        )
    base = f"/v1/participants/{participant['id']}"
    started = today - timedelta(days=130)
    intervention = {"unit": unit, "kind": "oppenvard", "started_on": started.isoformat()}
    if rng.random() < 0.3:
        ending = rng.choice(["planned", "planned", "unplanned", "moved"])
        intervention |= {"ended_on": (today - timedelta(days=5)).isoformat(), "ending": ending}
    _ok(outcome.put(f"{base}/interventions/DEMO-{participant['id'][:8]}", json=intervention))
    goal = _ok(
        outcome.post(
            f"{base}/goals",
            json={
                "area": "boende",
                "description": "Eget boende",
                "baseline": "Bor på boende med personal",
                "target": "Egen lägenhet med stöd",
                "set_on": (started + timedelta(days=10)).isoformat(),
            },
        )
    ).json()
    attainment = rng.choice([-2, -1, 0, 0, 1, 2])
    rating = {
        "attainment": attainment,
        "status": "active",
        "changed_on": (today - timedelta(days=10)).isoformat(),
    }
    _ok(outcome.patch(f"{base}/goals/{goal['id']}", json=rating))


def _ok(response: httpx.Response) -> httpx.Response:
    if response.is_error:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    return response


if __name__ == "__main__":
    print(load(sys.argv[1], sys.argv[2]))
