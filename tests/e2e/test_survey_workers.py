"""survey-api as worker processes forked from one supervisor (``survey_api.serve``)."""

import os
import secrets
import signal
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.e2e.client import codes_round
from tests.e2e.processes import service_env, started_service, wait_for, wait_ready
from tests.infra import ServiceDatabase

WORKERS = 2
RESPONDENTS = 30
PUBLISHED_RESPONSES = text(
    "SELECT count(*) FILTER (WHERE sent), count(*) FILTER (WHERE NOT sent) FROM survey.outbox_message"
    " WHERE event_type = 'se.insikt.survey.response.submitted.v1'"
)
ANSWERS = [{"link_id": link_id, "code": "1"} for link_id in ("na-handlaggare", "lyssnar", "respekt", "bestamma")]


def supervised(env: dict[str, str], log_dir: Path) -> AbstractContextManager[tuple[subprocess.Popen[bytes], str]]:
    """survey-api under ``survey-api-serve`` with its workers, ready; yields the supervisor and the URL."""
    return started_service("survey-api", env, log_dir, server=["survey_api.serve", "--workers", str(WORKERS)])


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError(f"no thread count for {pid}")


def sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def respond(url: str, code: str) -> int:
    body = {"submission_id": str(uuid.uuid4()), "code": code, "answers": ANSWERS}
    return httpx.post(f"{url}/v1/responses", json=body, timeout=60).status_code


def test_forked_workers_each_connect_for_themselves_and_publish_every_response(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = service_env("survey-api", service_db, kafka_bootstrap, f"workers{secrets.token_hex(3)}.")
    with supervised(env, tmp_path) as (supervisor, url), httpx.Client(base_url=url, timeout=60) as client:
        _, codes = codes_round(client, "WORKERS-1", "Två processer", RESPONDENTS)
        with ThreadPoolExecutor(max_workers=RESPONDENTS) as pool:
            assert list(pool.map(lambda code: respond(url, code), codes)) == [201] * RESPONDENTS

        # The supervisor made the app but nothing that runs or connects: its one socket is the
        # listening one, and the workers' pools, relays and producers are their own.
        assert threads(supervisor.pid) == 1
        assert sockets(supervisor.pid) == 1
        workers = workers_of(supervisor.pid)
        assert len(workers) == WORKERS
        assert all(threads(worker) > 1 and sockets(worker) > 1 for worker in workers)

        engine = create_engine(service_db.url_for("survey-api"))
        try:

            def published() -> int | None:
                with engine.connect() as conn:
                    sent, waiting = conn.execute(PUBLISHED_RESPONSES).one()
                return None if waiting else int(sent)

            assert wait_for(published, "every response's event published", timeout_s=60) == RESPONDENTS
        finally:
            engine.dispose()


def test_a_worker_that_dies_is_replaced_and_a_stop_ends_them_all(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = service_env("survey-api", service_db, kafka_bootstrap, f"workers{secrets.token_hex(3)}.")
    with supervised(env, tmp_path) as (supervisor, url), httpx.Client(base_url=url, timeout=60) as client:
        _, codes = codes_round(client, "WORKERS-2", "En process dör", 4)
        first, second = workers_of(supervisor.pid)
        os.kill(first, signal.SIGKILL)

        def replacement() -> list[int] | None:
            now = workers_of(supervisor.pid)
            return now if len(now) == WORKERS and first not in now else None

        replaced = wait_for(replacement, "a new worker in place of the killed one")
        assert second in replaced
        wait_ready(url, "survey-api", tmp_path / "survey-api.log")
        assert [respond(url, code) for code in codes] == [201] * 4

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in replaced)


def test_workers_stop_by_themselves_when_their_supervisor_is_killed(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = service_env("survey-api", service_db, kafka_bootstrap, f"workers{secrets.token_hex(3)}.")
    with supervised(env, tmp_path) as (supervisor, _url):
        workers = workers_of(supervisor.pid)
        supervisor.kill()
        supervisor.wait()
        wait_for(
            lambda: True if not any(Path(f"/proc/{pid}").exists() for pid in workers) else None,
            "the workers of a killed supervisor to stop",
        )
