"""End to end over Kafka: responses and assessments posted to survey-api and outcome-api appear in
reporting's reports with the expected numbers; a rebuild gives the same reports; an event
delivered twice by the broker changes nothing."""

import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from kafka import KafkaConsumer, KafkaProducer

from insikt_common import clock
from tests.e2e.client import ADMIN, ok, open_survey, response_body
from tests.e2e.processes import running_services, wait_for
from tests.infra import ServiceDatabase


@pytest.fixture(scope="module")
def prefix() -> str:
    return f"e2r{secrets.token_hex(3)}."


@pytest.fixture(scope="module")
def services(
    service_db: ServiceDatabase, kafka_bootstrap: str, prefix: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    with running_services(service_db, kafka_bootstrap, prefix, tmp_path_factory.mktemp("e2e-report-logs")) as urls:
        yield urls


def _get(url: str) -> Any:
    response = httpx.get(url, headers=ADMIN, timeout=30)
    return response.json() if response.status_code == 200 else None


def _survey(reporting: str, round_id: str, unit_id: str) -> Any:
    return _get(f"{reporting}/v1/reports/surveys/{round_id}/units/{unit_id}")


def _outcomes(reporting: str, unit_id: str) -> Any:
    return _get(f"{reporting}/v1/reports/outcomes/units/{unit_id}")


def test_posted_answers_and_assessments_are_reported_rebuilt_alike_and_not_counted_twice(
    services: dict[str, str], kafka_bootstrap: str, prefix: str
) -> None:
    survey, outcome, reporting = services["survey-api"], services["outcome-api"], services["reporting"]
    unit_id = "E2E-REPORT"
    round_id = open_survey(survey, unit_id)
    for code in ["1"] * 5 + ["3"] * 5:
        ok(httpx.post(f"{survey}/v1/responses", json=response_body(round_id, unit_id, code)))

    unit = {"id": "E2E-REPORT-HVB", "name": "Behandlingshem", "type": "hvb", "municipality_code": "0580"}
    instrument = ok(httpx.get(f"{outcome}/v1/instruments", headers=ADMIN))[0]
    area = instrument["areas"][0]["code"]
    for baseline, follow_up in ((3, 4), (4, 6), (5, 8), (6, 8), (7, 9)):
        participant = ok(
            httpx.post(
                f"{outcome}/v1/participants",
                json={"unit": unit, "birth_year": 1990, "gender": "female"},
                headers=ADMIN,
            )
        )
        for occasion, score, on in (
            ("baseline", baseline, clock.today() - timedelta(days=90)),
            ("follow_up", follow_up, clock.today()),
        ):
            ok(
                httpx.post(
                    f"{outcome}/v1/participants/{participant['id']}/assessments",
                    json={
                        "instrument_id": instrument["id"],
                        "occasion": occasion,
                        "rater": "self",
                        "assessed_on": on.isoformat(),
                        "scores": {area: score},
                    },
                    headers=ADMIN,
                )
            )

    def survey_counted() -> Any:
        report = _survey(reporting, round_id, unit_id)
        return report if report and report["responses"]["value"] == 10 else None

    def outcomes_counted() -> Any:
        report = _outcomes(reporting, unit["id"])
        changes = [c for c in (report or {}).get("changes", []) if c["area"] == area]
        return report if changes and changes[0]["participants"]["value"] == 5 else None

    report = wait_for(survey_counted, "10 responses in the survey report", timeout_s=30)
    bemotande = next(q for q in report["questions"] if q["link_id"] == "bemotande")
    # 5 of 10 positive: 50 %, Wilson 23.7–76.3; both answers reach k = 5.
    assert bemotande["n"] == {"value": 10, "suppressed": None}
    assert {a["answer"]: a["count"]["value"] for a in bemotande["answers"]} == {"1": 5, "3": 5}
    assert bemotande["share_positive"]["percent"] == 50.0
    assert bemotande["share_positive"]["interval"] == {"low": 23.7, "high": 76.3}
    assert report["round"]["organisation_id"] == "demo-org"

    outcomes = wait_for(outcomes_counted, "5 participants with a follow-up", timeout_s=30)
    change = next(c for c in outcomes["changes"] if c["area"] == area)
    # Changes 1, 2, 3, 2, 2: mean 2, sd √0.5, t(4) = 2.776 -> 2 ± 0.88; all improved by a step or more.
    assert (change["mean_baseline"], change["mean_latest"], change["mean_change"]) == (5.0, 7.0, 2.0)
    assert change["change_interval"] == {"low": 1.12, "high": 2.88}
    assert change["improved"]["value"] == 5 and change["share_improved"] == 100.0

    csv = httpx.get(f"{reporting}/v1/reports/surveys/{round_id}/units/{unit_id}/csv?sep=;", headers=ADMIN)
    assert csv.content.startswith("\ufeff".encode()) and ";share_positive_percent;50,0;23,7;76,3;" in csv.text

    rebuilt = httpx.post(f"{reporting}/v1/admin/rebuild", headers=ADMIN, timeout=120)
    assert rebuilt.status_code == 200, rebuilt.text
    assert _survey(reporting, round_id, unit_id) == report
    assert _outcomes(reporting, unit["id"]) == outcomes

    _redeliver_one(kafka_bootstrap, prefix + "survey.response.v1")
    _redeliver_one(kafka_bootstrap, prefix + "outcome.assessment.v1")
    time.sleep(2)  # the consumer has had time to see them
    assert _survey(reporting, round_id, unit_id) == report
    assert _outcomes(reporting, unit["id"]) == outcomes


def _redeliver_one(bootstrap: str, topic: str) -> None:
    """Put the first event of a topic on it again, as a producer retry or a replay would."""
    reader = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    record = next(iter(reader))
    reader.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    producer.send(topic, key=record.key, value=record.value, headers=list(record.headers or []))
    producer.flush()
    producer.close()
