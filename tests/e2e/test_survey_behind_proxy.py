"""survey-api behind a reverse proxy: the wrong-code lockout counts each respondent by the address
the proxy forwards, as the container image and the Kubernetes manifest run it."""

import secrets
from pathlib import Path

import httpx

from tests.e2e.processes import service_env, started_service
from tests.infra import ServiceDatabase

ATTEMPTS = 3
WRONG = {"code": "AAAA-BBBB-CCCC"}


def test_the_lockout_counts_the_forwarded_client_not_the_proxy(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = service_env("survey-api", service_db, kafka_bootstrap, f"proxy{secrets.token_hex(3)}.")
    # The tests connect from 127.0.0.1, standing in for the proxy; trusted by network, as a cluster's
    # ingress controllers are.
    env |= {"FORWARDED_ALLOW_IPS": "127.0.0.0/8", "SURVEY_CODE_ATTEMPT_LIMIT": str(ATTEMPTS)}
    with (
        started_service("survey-api", env, tmp_path, server=["survey_api.serve"]) as (_, url),
        httpx.Client(base_url=url, timeout=30) as client,
    ):

        def access(forwarded_for: str) -> int:
            return client.post("/v1/access", json=WRONG, headers={"X-Forwarded-For": forwarded_for}).status_code

        assert [access("203.0.113.5") for _ in range(ATTEMPTS)] == [404] * ATTEMPTS
        assert access("203.0.113.5") == 429
        assert access("198.51.100.7") == 404, "another respondent behind the same proxy is not locked out"
        # The proxy appends the address it saw; what the client wrote before it is not believed.
        assert access("198.51.100.7, 203.0.113.5") == 429
    log = (tmp_path / "survey-api.log").read_text()
    assert "/v1/access" in log, "the requests are logged"
    assert "203.0.113.5" not in log and "198.51.100.7" not in log, "no client address in the log"
