"""Many respondents at once on a small connection pool: every one is answered, none waits out a timeout."""

import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.e2e.client import codes_round
from tests.e2e.processes import running_service, service_env
from tests.infra import ServiceDatabase

RESPONDENTS = 40


def test_concurrent_respondents_with_codes_and_wrong_codes_are_all_answered_promptly(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = {
        **service_env("survey-api", service_db, kafka_bootstrap, f"conc{secrets.token_hex(3)}."),
        "SURVEY_DB_POOL_SIZE": "2",
        "SURVEY_CODE_ATTEMPT_LIMIT": "1000",
    }
    with running_service("survey-api", env, tmp_path) as url, httpx.Client(base_url=url, timeout=60) as client:
        _, codes = codes_round(client, "CONC-1", "Samtidigt", RESPONDENTS)
        answers = [
            {"link_id": link_id, "code": "1"} for link_id in ("na-handlaggare", "lyssnar", "respekt", "bestamma")
        ]

        def respond(code: str) -> int:
            body = {"submission_id": str(uuid.uuid4()), "code": code, "answers": answers}
            return httpx.post(f"{url}/v1/responses", json=body, timeout=60).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=RESPONDENTS + 10) as pool:
            accepted = list(pool.map(respond, codes))
            wrong = list(pool.map(respond, [f"WRONGCODE{n:03d}" for n in range(10)]))
        elapsed = time.monotonic() - started

    assert accepted == [201] * RESPONDENTS
    assert wrong == [404] * 10
    # A request holding a pooled connection while it waits for a second one stalls until the
    # pool's 30 s timeout; answered promptly means nothing did.
    assert elapsed < 20, f"{RESPONDENTS + 10} requests took {elapsed:.1f} s"
