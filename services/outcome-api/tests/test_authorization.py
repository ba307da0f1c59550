"""The authorization matrix: every endpoint × every role × own unit, other unit, other organisation.

The endpoints are read from the app's OpenAPI document, so a new endpoint without a row here fails
``test_every_endpoint_has_a_row``. The target of each call is a participant (with one of each kind
of record) at unit ``U-OWN`` of ``demo-org``. "Own unit" is a caller of ``demo-org`` working in
``U-OWN``, "other unit" one of ``demo-org`` working in ``U-OTHER``, "other organisation" one of
``other-org`` working in a unit of the same id ``U-OWN``.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from insikt_common import clock
from insikt_common.auth import Role

Scope = str
SCOPES: tuple[Scope, ...] = ("own_unit", "other_unit", "other_org")
ROLES = tuple(r.value for r in Role)
UNIT = {"id": "U-OWN", "name": "HVB Own", "type": "hvb", "municipality_code": "0580"}
ClientFor = Callable[..., TestClient]


@dataclass(frozen=True)
class Target:
    participant_id: str
    assessment_id: str
    goal_id: str
    instrument_id: str


Call = Callable[[Target], tuple[str, dict[str, Any] | None]]


@dataclass(frozen=True)
class Rule:
    """What a role sees of an endpoint: ``ok`` in scope, and the status per scope otherwise."""

    call: Call
    ok: int
    expected: Callable[[str, Scope, int], int]
    fresh: bool = False
    """The call destroys its target: each cell gets a new one."""


def public(_role: str, _scope: Scope, ok: int) -> int:
    return ok


def any_role(_role: str, _scope: Scope, ok: int) -> int:
    return ok


def participant_level(role: str, scope: Scope, ok: int) -> int:
    """Admins see their organisation, managers, staff and systems their units; analysts nothing."""
    if role == "analyst":
        return 403
    if scope == "other_org" or (scope == "other_unit" and role != "admin"):
        return 404
    return ok


def registering(role: str, scope: Scope, ok: int) -> int:
    """A registration lands in the caller's own organisation, at one of their units; a unit id another
    organisation runs is a conflict."""
    if role == "analyst":
        return 403
    if scope == "other_unit" and role != "admin":
        return 403
    return 409 if scope == "other_org" else ok


def admin_in_organisation(role: str, scope: Scope, ok: int) -> int:
    if role != "admin":
        return 403
    return 404 if scope == "other_org" else ok


def admin_only(role: str, _scope: Scope, ok: int) -> int:
    """Admins only; another organisation's admin gets their own organisation's (empty) answer."""
    return ok if role == "admin" else 403


def assessment_body(**overrides: Any) -> dict[str, Any]:
    today = clock.today().isoformat()
    body = {
        "instrument_id": "insikt-livssituation",
        "occasion": "baseline",
        "rater": "staff",
        "assessed_on": today,
        "scores": {"boende": 5},
    }
    return {**body, **overrides}


def instrument_body() -> dict[str, Any]:
    return {
        "title": "Egen skala",
        "licence": "Licensed to demo-org",
        "scale": {"minimum": 1, "maximum": 5, "direction": "higher_is_better", "anchors": {}},
        "areas": [{"code": "a", "label": "A"}],
    }


def goal_body() -> dict[str, Any]:
    today = clock.today().isoformat()
    return {
        "area": "boende",
        "description": "Eget boende",
        "baseline": "HVB",
        "target": "Egen lägenhet",
        "set_on": today,
    }


def intervention_call(t: Target) -> tuple[str, dict[str, Any]]:
    today = clock.today().isoformat()
    body = {"unit": UNIT, "kind": "hvb_placement", "started_on": today}
    return f"/v1/participants/{t.participant_id}/interventions/ref-{secrets.token_hex(4)}", body


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): Rule(lambda t: ("/healthz", None), 200, public),
    ("GET", "/readyz"): Rule(lambda t: ("/readyz", None), 200, public),
    ("GET", "/metrics"): Rule(lambda t: ("/metrics", None), 200, public),
    ("GET", "/v1/instruments"): Rule(lambda t: ("/v1/instruments", None), 200, any_role),
    ("GET", "/v1/instruments/{instrument_id}/versions/{version}"): Rule(
        lambda t: ("/v1/instruments/insikt-sjalvskattning/versions/1", None), 200, any_role
    ),
    ("POST", "/v1/instruments"): Rule(
        lambda t: ("/v1/instruments", {**instrument_body(), "id": f"own-{secrets.token_hex(4)}"}), 201, admin_only
    ),
    ("PUT", "/v1/instruments/{instrument_id}/versions/{version}"): Rule(
        lambda t: (f"/v1/instruments/{t.instrument_id}/versions/1", instrument_body()), 200, admin_in_organisation
    ),
    ("POST", "/v1/participants"): Rule(
        lambda t: ("/v1/participants", {"unit": UNIT, "gender": "unknown"}), 201, registering
    ),
    ("DELETE", "/v1/participants/{participant_id}"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}", None), 204, admin_in_organisation, fresh=True
    ),
    ("GET", "/v1/participants/{participant_id}"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}", None), 200, participant_level
    ),
    ("POST", "/v1/participants/{participant_id}/assessments"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/assessments", assessment_body()), 201, participant_level
    ),
    ("GET", "/v1/participants/{participant_id}/assessments"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/assessments", None), 200, participant_level
    ),
    ("PUT", "/v1/participants/{participant_id}/assessments/{assessment_id}"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/assessments/{t.assessment_id}", assessment_body()),
        200,
        participant_level,
    ),
    ("GET", "/v1/participants/{participant_id}/assessments/{assessment_id}/revisions"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/assessments/{t.assessment_id}/revisions", None),
        200,
        participant_level,
    ),
    ("PUT", "/v1/participants/{participant_id}/interventions/{external_reference}"): Rule(
        intervention_call, 201, participant_level
    ),
    ("GET", "/v1/participants/{participant_id}/interventions"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/interventions", None), 200, participant_level
    ),
    ("POST", "/v1/participants/{participant_id}/goals"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/goals", goal_body()), 201, participant_level
    ),
    ("PATCH", "/v1/participants/{participant_id}/goals/{goal_id}"): Rule(
        lambda t: (
            f"/v1/participants/{t.participant_id}/goals/{t.goal_id}",
            {"attainment": 0, "status": "active", "changed_on": clock.today().isoformat()},
        ),
        200,
        participant_level,
    ),
    ("GET", "/v1/participants/{participant_id}/goals"): Rule(
        lambda t: (f"/v1/participants/{t.participant_id}/goals", None), 200, participant_level
    ),
    ("GET", "/v1/audit"): Rule(lambda t: (f"/v1/audit?participant_id={t.participant_id}", None), 200, admin_only),
}

PUBLIC_PATHS = {key for key, rule in RULES.items() if rule.expected is public}


def operations(app: FastAPI) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item}


def caller(client_for: ClientFor, role: str, scope: Scope) -> TestClient:
    if scope == "own_unit":
        return client_for("demo-org", [role], ["U-OWN"])
    if scope == "other_unit":
        return client_for("demo-org", [role], ["U-OTHER"])
    return client_for("other-org", [role], ["U-OWN"])


def make_target(admin: TestClient) -> Target:
    participant = admin.post("/v1/participants", json={"unit": UNIT, "gender": "female", "birth_year": 1990})
    assert participant.status_code == 201, participant.text
    participant_id = participant.json()["id"]
    assessment = admin.post(f"/v1/participants/{participant_id}/assessments", json=assessment_body())
    assert assessment.status_code == 201, assessment.text
    goal = admin.post(f"/v1/participants/{participant_id}/goals", json=goal_body())
    assert goal.status_code == 201, goal.text
    instrument = admin.post("/v1/instruments", json={**instrument_body(), "id": f"own-{secrets.token_hex(4)}"})
    assert instrument.status_code == 201, instrument.text
    return Target(participant_id, assessment.json()["id"], goal.json()["id"], instrument.json()["id"])


def test_every_endpoint_has_a_row(app: FastAPI) -> None:
    assert operations(app) == set(RULES), "add a row to RULES for every endpoint (and remove rows for gone ones)"


def test_every_endpoint_but_health_and_metrics_needs_a_token(app: FastAPI) -> None:
    target = Target("p", "a", "g", "i")
    anonymous = TestClient(app)
    for (method, path), rule in RULES.items():
        url, body = rule.call(target)
        expected = rule.ok if (method, path) in PUBLIC_PATHS else 401
        assert anonymous.request(method, url, json=body).status_code == expected, (method, path)


def test_a_token_without_a_role_may_do_nothing(client_for: ClientFor) -> None:
    target = Target("p", "a", "g", "i")
    nobody = client_for("demo-org", [], ["U-OWN"])
    for (method, path), rule in RULES.items():
        url, body = rule.call(target)
        expected = rule.ok if (method, path) in PUBLIC_PATHS else 403
        assert nobody.request(method, url, json=body).status_code == expected, (method, path)


def test_a_token_that_does_not_verify_is_refused(app: FastAPI) -> None:
    forged = TestClient(app, headers={"Authorization": "Bearer not.a.token"})
    assert forged.get("/v1/instruments").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client_for: ClientFor, role: str) -> None:
    admin = client_for("demo-org", ["admin"])
    target = make_target(admin)
    outcomes: dict[tuple[str, str, Scope], tuple[int, int]] = {}
    for (method, path), rule in RULES.items():
        for scope in SCOPES:
            if rule.fresh:
                target = make_target(admin)
            url, body = rule.call(target)
            got = caller(client_for, role, scope).request(method, url, json=body).status_code
            outcomes[(method, path, scope)] = (got, rule.expected(role, scope, rule.ok))
    wrong = {cell: statuses for cell, statuses in outcomes.items() if statuses[0] != statuses[1]}
    assert not wrong, f"(got, expected) for role {role}: {wrong}"
