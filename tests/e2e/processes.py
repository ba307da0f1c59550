"""The three services as separate uvicorn processes, configured only through the environment."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx

from tests.infra import ServiceDatabase, serving_env

PREFIXES = {"survey-api": "SURVEY", "outcome-api": "OUTCOME", "reporting": "REPORTING"}
T = TypeVar("T")

MODULES = {"survey-api": "survey_api", "outcome-api": "outcome_api", "reporting": "reporting"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(service: str, database: ServiceDatabase, kafka_bootstrap: str, topic_prefix: str) -> dict[str, str]:
    prefix = PREFIXES[service]
    return {
        **os.environ,
        f"{prefix}_ENVIRONMENT": "test",
        f"{prefix}_DATABASE_URL": database.url_for(service),
        f"{prefix}_MIGRATION_DATABASE_URL": database.owner_url_for(service),
        f"{prefix}_BUS": "kafka",
        f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        f"{prefix}_KAFKA_TOPIC_PREFIX": topic_prefix,
        f"{prefix}_KAFKA_TOPIC_PARTITIONS": "3",
    }


def _start(
    service: str, env: dict[str, str], log_dir: Path, server: Sequence[str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Migrate with the service's prestart, then start it on a free port: with uvicorn, or with
    ``server`` (the module to run and its arguments; it is given ``--port`` and ``--host``)."""
    module = MODULES[service]
    subprocess.run([sys.executable, "-m", f"{module}.prestart"], env=env, check=True)
    env = serving_env(env)
    port = free_port()
    with (log_dir / f"{service}.log").open("wb") as log:
        run = server or ["uvicorn", f"{module}.main:create_app", "--factory"]
        command = [sys.executable, "-m", *run, "--port", str(port), "--host", "127.0.0.1"]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def started_service(
    service: str, env: dict[str, str], log_dir: Path, server: Sequence[str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """One service, ready; yields its process and base URL (``server``: see ``_start``)."""
    process, url = _start(service, env, log_dir, server)
    try:
        wait_ready(url, service, log_dir / f"{service}.log")
        yield process, url
    finally:
        _stop([process])


@contextmanager
def running_service(service: str, env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """One service, ready; yields its base URL."""
    with started_service(service, env, log_dir) as (_process, url):
        yield url


@contextmanager
def running_services(
    database: ServiceDatabase, kafka_bootstrap: str, topic_prefix: str, log_dir: Path
) -> Iterator[dict[str, str]]:
    """Migrate (with each service's prestart), start all three, wait until ready; yields base URLs."""
    processes: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    try:
        for service in MODULES:
            process, urls[service] = _start(
                service, service_env(service, database, kafka_bootstrap, topic_prefix), log_dir
            )
            processes.append(process)
        for service, url in urls.items():
            wait_ready(url, service, log_dir / f"{service}.log")
        yield urls
    finally:
        _stop(processes)


def wait_ready(url: str, service: str, log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{service} not ready after {timeout_s:.0f} s; log:\n{log.read_text()[-3000:]}")


def wait_for(probe: Callable[[], T | None], what: str, timeout_s: float = 20, interval_s: float = 0.1) -> T:
    """Poll ``probe`` until it returns something other than None, and return that."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)
