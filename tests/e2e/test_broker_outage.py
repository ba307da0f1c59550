"""Nothing accepted is lost while Kafka is down: it is delivered once the broker is back."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.client import counted_responses, open_survey, response_body
from tests.e2e.processes import running_services, wait_for
from tests.infra import Broker, ServiceDatabase, local_kafka_broker


@pytest.fixture
def broker(kafka: Broker | str, tmp_path: Path) -> Iterator[Broker]:
    """The session broker when the tests started it; otherwise one of our own to stop and start."""
    if not isinstance(kafka, str):
        yield kafka
    else:
        with local_kafka_broker(tmp_path / "kafka") as own:
            yield own


def test_responses_accepted_while_kafka_is_down_reach_reporting_once_it_is_back(
    broker: Broker, service_db: ServiceDatabase, tmp_path: Path
) -> None:
    with running_services(service_db, broker.bootstrap, f"outage{secrets.token_hex(3)}.", tmp_path) as urls:
        unit_id = "E2E-OUTAGE"
        round_id = open_survey(urls["survey-api"], unit_id)

        def post(code: str) -> httpx.Response:
            return httpx.post(
                f"{urls['survey-api']}/v1/responses", json=response_body(round_id, unit_id, code), timeout=10
            )

        assert [post("1").status_code for _ in range(5)] == [201] * 5
        wait_for(lambda: counted_responses(urls["reporting"], round_id, unit_id) == 5 or None, "5 counted")

        broker.stop()
        try:
            assert [post("2").status_code for _ in range(7)] == [201] * 7
            assert counted_responses(urls["reporting"], round_id, unit_id) == 5
        finally:
            broker.start()

        wait_for(
            lambda: counted_responses(urls["reporting"], round_id, unit_id) == 12 or None,
            "all 12 responses counted after the broker came back",
            timeout_s=90,
        )
