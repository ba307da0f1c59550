"""``make run``: the three services in one process on SQLite files and the in-process bus.

Each service keeps its own database file and its own port, exactly as when deployed apart;
only the bus is shared in memory. The demo data is loaded through the public APIs. State lives
under ``.run/embedded`` and is reset at each start (the in-process bus does not outlive it).
"""

import argparse
import asyncio
import contextlib
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import demo
import httpx
import uvicorn
from fastapi import FastAPI

from insikt_common.messaging.memory_bus import InProcessBus
from insikt_common.migrations import upgrade
from insikt_common.observability import configure_logging
from outcome_api import main as outcome_main
from outcome_api import prestart as outcome_prestart
from outcome_api.config import Settings as OutcomeSettings
from reporting import main as reporting_main
from reporting import prestart as reporting_prestart
from reporting.config import Settings as ReportingSettings
from survey_api import main as survey_main
from survey_api import prestart as survey_prestart
from survey_api.config import Settings as SurveySettings


class _Server(uvicorn.Server):
    """Signals are handled once for all three servers, below."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _apps(state: Path) -> dict[str, FastAPI]:
    bus = InProcessBus()

    def url(name: str) -> str:
        return f"sqlite:///{state / name}.db"

    upgrade(survey_prestart.MIGRATIONS, url("survey"))
    upgrade(outcome_prestart.MIGRATIONS, url("outcome"))
    upgrade(reporting_prestart.MIGRATIONS, url("reporting"))
    apps = {
        "survey-api": survey_main.create_app(
            SurveySettings(database_url=url("survey"), environment="development", bus="memory"), bus
        ),
        "outcome-api": outcome_main.create_app(
            OutcomeSettings(database_url=url("outcome"), environment="development", bus="memory"), bus
        ),
        "reporting": reporting_main.create_app(
            ReportingSettings(database_url=url("reporting"), environment="development", bus="memory"), bus
        ),
    }
    configure_logging("insikt-embedded", "INFO")  # one process: one log set-up, after the apps' own
    return apps


async def _main(host: str, base_port: int, state: Path, with_demo: bool) -> None:
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    ports = {"survey-api": base_port, "outcome-api": base_port + 1, "reporting": base_port + 2}
    servers = [
        _Server(uvicorn.Config(app, host=host, port=ports[name], log_config=None, access_log=False))
        for name, app in _apps(state).items()
    ]

    def stop() -> None:
        for s in servers:
            s.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    serving = [asyncio.create_task(s.serve()) for s in servers]
    while not all(s.started for s in servers):
        if any(t.done() for t in serving):
            await asyncio.gather(*serving)
            return
        await asyncio.sleep(0.05)
    urls = {name: f"http://{host}:{port}" for name, port in ports.items()}
    report = f"{urls['reporting']}/v1/reports/surveys"
    if with_demo:
        ids = await asyncio.to_thread(demo.load, urls["survey-api"], urls["outcome-api"])
        report = f"{urls['reporting']}/v1/reports/surveys/{ids['round_id']}/units/{ids['unit_id']}"
        await asyncio.to_thread(_publish_demo_round, urls["reporting"], ids["round_id"])
        await asyncio.to_thread(_wait_counted, report)
    _print_banner(urls, report)
    await asyncio.gather(*serving)


def _publish_demo_round(reporting: str, round_id: str) -> None:
    """Make the demo round's aggregated report public, so its URL opens without a token (still
    suppressed). Reporting knows the round's organisation once the round event has arrived."""
    headers = {"Authorization": f"Bearer {demo._token()}"}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = httpx.put(
            f"{reporting}/v1/reports/surveys/{round_id}/publication", json={"public": True}, headers=headers
        )
        if answer.status_code == 200:
            return
        time.sleep(0.1)


def _wait_counted(report: str) -> None:
    """The demo's responses reach reporting through the bus a moment after they are accepted."""
    deadline = time.monotonic() + 10
    while httpx.get(report).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.1)


def _print_banner(urls: dict[str, str], report: str) -> None:
    lines = ["", "Insikt is running (embedded: SQLite files, in-process bus). Ctrl-C stops it.", ""]
    lines += [f"  {name:<12} API docs  {url}/docs" for name, url in urls.items()]
    lines += [
        "",
        f"  Survey report  {report}  (public demo round: no token needed)",
        f"  As CSV         {report}/csv?sep=;",
        f"  To print       {report}/html",
        f"  All reports    {urls['reporting']}/v1/reports/surveys  (with a token: make token)",
        "",
    ]
    print("\n".join(lines), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="survey-api's port; the others follow")
    parser.add_argument("--state", type=Path, default=Path(".run/embedded"))
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    asyncio.run(_main(args.host, args.port, args.state, not args.no_demo))


if __name__ == "__main__":
    main()
