"""End to end: three service processes over real Kafka and PostgreSQL, driven through HTTP only."""

import secrets
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from insikt_common import clock
from tests.e2e.client import ADMIN, answer_counts, counted_responses, ok, open_survey, response_body
from tests.e2e.processes import running_services, wait_for
from tests.infra import ServiceDatabase


@pytest.fixture(scope="module")
def services(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    with running_services(service_db, kafka_bootstrap, f"e2e{secrets.token_hex(3)}.", log_dir) as urls:
        yield urls


def test_a_response_posted_to_survey_api_is_counted_by_reporting_within_seconds(services: dict[str, str]) -> None:
    unit_id = "E2E-COUNT"
    round_id = open_survey(services["survey-api"], unit_id)
    started = time.monotonic()
    for code in ["1", "1", "2", "3", "1", "2", "1"]:
        assert (
            httpx.post(
                f"{services['survey-api']}/v1/responses", json=response_body(round_id, unit_id, code)
            ).status_code
            == 201
        )

    wait_for(lambda: counted_responses(services["reporting"], round_id, unit_id) == 7 or None, "7 responses counted")
    assert time.monotonic() - started < 10
    # 1 was given 4 times, 2 twice and 3 once: below k = 5, so withheld.
    assert answer_counts(services["reporting"], round_id, unit_id) == {"1": None, "2": None, "3": None}


def test_the_same_submission_posted_twice_is_stored_and_counted_once(
    services: dict[str, str], service_db: ServiceDatabase
) -> None:
    unit_id = "E2E-IDEMPOTENT"
    round_id = open_survey(services["survey-api"], unit_id)
    bodies = [response_body(round_id, unit_id, "1") for _ in range(5)]
    for body in bodies:
        assert httpx.post(f"{services['survey-api']}/v1/responses", json=body).status_code == 201
    again = httpx.post(f"{services['survey-api']}/v1/responses", json=bodies[0])
    assert again.status_code == 200
    assert again.json() == {
        "submission_id": bodies[0]["submission_id"],
        "received_on": clock.today().isoformat(),
        "status": "accepted",
    }
    changed = {**bodies[0], "answers": [{"link_id": "bemotande", "code": "4"}]}
    assert httpx.post(f"{services['survey-api']}/v1/responses", json=changed).status_code == 409

    wait_for(lambda: counted_responses(services["reporting"], round_id, unit_id) == 5 or None, "5 responses counted")
    time.sleep(1)  # anything duplicated would arrive now
    assert counted_responses(services["reporting"], round_id, unit_id) == 5
    assert answer_counts(services["reporting"], round_id, unit_id) == {"1": 5}
    engine = create_engine(service_db.admin_database_url)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM survey.response WHERE round_id = :r"), {"r": round_id}
        ).scalar()
    engine.dispose()
    assert stored == 5


def test_assessments_recorded_in_outcome_api_are_counted_per_area(services: dict[str, str]) -> None:
    unit = {"id": "E2E-OUTCOME", "name": "Behandlingshem", "type": "hvb", "municipality_code": "0580"}
    outcome = services["outcome-api"]
    instrument = ok(httpx.get(f"{outcome}/v1/instruments", headers=ADMIN))[0]
    area = instrument["areas"][0]["code"]
    for score in (3, 4, 5, 6, 7):
        participant = ok(
            httpx.post(
                f"{outcome}/v1/participants",
                json={"unit": unit, "birth_year": 1990, "gender": "female"},
                headers=ADMIN,
            )
        )
        ok(
            httpx.post(
                f"{outcome}/v1/participants/{participant['id']}/assessments",
                json={
                    "instrument_id": instrument["id"],
                    "occasion": "baseline",
                    "rater": "self",
                    "assessed_on": clock.today().isoformat(),
                    "scores": {area: score},
                },
                headers=ADMIN,
            )
        )

    def report() -> dict[str, object] | None:
        response = httpx.get(f"{services['reporting']}/v1/reports/outcomes/units/{unit['id']}", headers=ADMIN)
        if response.status_code != 200:
            return None
        body = response.json()
        rows = [r for r in body["areas"] if r["area"] == area and r["assessments"]["value"] == 5]
        return body if rows and body["participants"]["value"] == 5 else None

    body = wait_for(report, "5 participants and 5 assessments in reporting")
    row = next(r for r in body["areas"] if r["area"] == area)  # type: ignore[attr-defined]
    assert row["mean_score"] == 5.0


def test_every_service_reports_health_readiness_metrics_and_a_clean_openapi(services: dict[str, str]) -> None:
    for service, url in services.items():
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["database"] is True and ready.json()["checks"]["bus"] is True
        metrics = httpx.get(f"{url}/metrics").text
        assert "insikt_http_request_duration_seconds" in metrics, service
        request_id = httpx.get(f"{url}/healthz", headers={"X-Request-ID": "abc123"}).headers["x-request-id"]
        assert request_id == "abc123"
        operation_ids = [
            op["operationId"] for path in ok(httpx.get(f"{url}/openapi.json"))["paths"].values() for op in path.values()
        ]
        assert all(op.replace("_", "").isalpha() and op.islower() for op in operation_ids), operation_ids
    assert 'insikt_outbox_backlog{service="survey-api"}' in httpx.get(f"{services['survey-api']}/metrics").text


def test_each_service_role_can_reach_only_its_own_schema(service_db: ServiceDatabase, services: dict[str, str]) -> None:
    engine = create_engine(service_db.url_for("survey-api"))
    with engine.connect() as conn, pytest.raises(Exception, match="permission denied"):
        conn.execute(text("SELECT count(*) FROM reporting.answer_count"))
    engine.dispose()
