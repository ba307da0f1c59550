"""A burst beyond what survey-api runs at once: refused at once with 503, never left hanging, and
every response resent after a 503 is accepted exactly once."""

import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.client import ADMIN, codes_round, ok
from tests.e2e.processes import running_service, service_env
from tests.infra import ServiceDatabase

RESPONDENTS = 40


def test_a_burst_beyond_capacity_gets_503s_and_resent_responses_are_all_kept_once(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = {
        **service_env("survey-api", service_db, kafka_bootstrap, f"shed{secrets.token_hex(3)}."),
        "SURVEY_DB_POOL_SIZE": "2",
        "SURVEY_INTAKE_QUEUE": "0",
    }
    with running_service("survey-api", env, tmp_path) as url, httpx.Client(base_url=url, timeout=60) as client:
        round_id, codes = codes_round(client, "SHED-1", "Rusning", RESPONDENTS)
        answers = [
            {"link_id": link_id, "code": "1"} for link_id in ("na-handlaggare", "lyssnar", "respekt", "bestamma")
        ]
        bodies = [{"submission_id": str(uuid.uuid4()), "code": code, "answers": answers} for code in codes]

        def send(body: dict[str, Any]) -> httpx.Response:
            return httpx.post(f"{url}/v1/responses", json=body, timeout=60)

        with ThreadPoolExecutor(max_workers=RESPONDENTS) as pool:
            first = list(pool.map(send, bodies))
        statuses = {r.status_code for r in first}
        assert statuses <= {201, 503}, [r.text for r in first if r.status_code not in (201, 503)]
        for refused in (r for r in first if r.status_code == 503):
            assert refused.headers["retry-after"].isdigit()
            assert refused.json()["error"] == "Overloaded"

        # What a client does with a 503: send the same submission again, until it is taken.
        pending = [b for b, r in zip(bodies, first, strict=True) if r.status_code == 503]
        for _attempt in range(200):
            if not pending:
                break
            again = [send(b) for b in pending]
            assert {r.status_code for r in again} <= {201, 503}
            pending = [b for b, r in zip(pending, again, strict=True) if r.status_code == 503]
            time.sleep(0.05)
        assert not pending

        # Nothing accepted was lost and nothing was stored twice.
        assert {send(b).status_code for b in bodies} == {200}
        [unit] = ok(client.get(f"/v1/rounds/{round_id}/participation", headers=ADMIN))
        assert (unit["responses"], unit["codes_used"]) == (RESPONDENTS, RESPONDENTS)
