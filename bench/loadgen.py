"""The load generator, run in its own process: ``python -m bench.loadgen SPEC.json OUT.json``.

One phase per run, on loopback only, with a bounded number of requests and a time limit:

- ``closed``: ``concurrency`` respondents submit back to back (the throughput figure);
- ``open``: submissions arrive on a fixed schedule (``rate`` per second) whether or not earlier
  ones were answered, so a slow server shows as latency instead of as fewer requests. Latency is
  measured from the scheduled moment, not from when the request could be sent.

Submissions go over a lean HTTP/1.1 client of its own (:class:`KeepAlive`: asyncio streams, one
keep-alive connection per request in flight, the request written as one buffer). httpx needed
about 2 ms of CPU per request, as much as the service it measured, on the same two cores: at
300/s it could not keep its own schedule even against a server that answers at once.

With ``freshness`` set, a poller reads reporting's per-unit response totals every
``poll_interval_s`` (its read model, as reporting's role, when ``read_model`` is given, else its
survey summaries over HTTP) and records, for every 201, how long until reporting counted the
response: the n-th 201 of a unit is counted once reporting's count for that unit has grown by n
since the phase began.
"""

import asyncio
import json
import math
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.scenario import admin_headers, answers_for

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
FAILED = "failed"
"""A percentile that falls on a request that failed or was never answered."""


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(values_s: list[float], failed: int = 0) -> dict[str, float | str | None]:
    """Percentiles in ms; ``failed`` requests (errors, timeouts, never sent) count as slower than any."""
    ms = [v * 1000 for v in values_s] + [math.inf] * failed
    return {f"p{q:g}": _round(percentile(ms, q)) for q in (50, 90, 95, 99)} | {"max": _round(max(ms, default=None))}


def _round(value: float | None) -> float | str | None:
    if value is None:
        return None
    return FAILED if math.isinf(value) else round(value, 2)


class Freshness:
    """Matches each 201 to the poll at which reporting's count for its unit covered it."""

    def __init__(self, reporting_url: str, round_id: str, interval_s: float, read_model: dict[str, str] | None) -> None:
        self._url = f"{reporting_url}/v1/reports/surveys"
        self._read_model = read_model
        self._connection: Any = None
        self._round_id = round_id
        self._interval_s = interval_s
        self._baseline: dict[str, int] = {}
        self._counted: dict[str, int] = defaultdict(int)
        self._accepted: dict[str, list[float]] = defaultdict(list)
        self._matched: dict[str, int] = defaultdict(int)
        self.delays: list[float] = []
        self.polls = 0
        self.poll_errors = 0

    async def counts(self, client: httpx.AsyncClient) -> dict[str, int]:
        if self._read_model is not None:
            return await self._read_model_counts()
        response = await client.get(self._url, headers=admin_headers(), timeout=10)
        response.raise_for_status()
        return {
            row["unit_id"]: int(row["responses"]["value"] or 0)
            for row in response.json()
            if row["round_id"] == self._round_id
        }

    async def _read_model_counts(self) -> dict[str, int]:
        """Reporting's own per-unit totals, read as reporting's role: what its reports count."""
        assert self._read_model is not None
        if self._connection is None:
            import psycopg

            self._connection = await psycopg.AsyncConnection.connect(self._read_model["dsn"], autocommit=True)
        cursor = await self._connection.execute(
            f"SELECT unit_id, responses FROM {self._read_model['table']} WHERE round_id = %s", (self._round_id,)
        )
        return {unit_id: int(responses) for unit_id, responses in await cursor.fetchall()}

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def start(self, client: httpx.AsyncClient) -> None:
        self._baseline = await self.counts(client)

    def accepted(self, unit_id: str, at: float) -> None:
        self._accepted[unit_id].append(at)
        already = self._counted[unit_id]
        if already >= len(self._accepted[unit_id]):  # counted before the 201 reached us
            self._matched[unit_id] = len(self._accepted[unit_id])
            self.delays.append(0.0)

    @property
    def pending(self) -> int:
        return sum(len(times) - self._matched[u] for u, times in self._accepted.items())

    async def poll_once(self, client: httpx.AsyncClient) -> None:
        try:
            counts = await self.counts(client)
        except (httpx.HTTPError, ValueError, KeyError, OSError):
            self.poll_errors += 1
            return
        now = time.monotonic()
        self.polls += 1
        for unit_id, count in counts.items():
            grown = count - self._baseline.get(unit_id, 0)
            self._counted[unit_id] = grown
            times = self._accepted.get(unit_id, [])
            upto = min(grown, len(times))
            for j in range(self._matched[unit_id], upto):
                self.delays.append(now - times[j])
            self._matched[unit_id] = max(self._matched[unit_id], upto)

    async def run(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            await self.poll_once(client)
            await asyncio.sleep(max(0.0, self._interval_s - (time.monotonic() - started)))


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]
IDLE_REUSE_S = 3.0
"""uvicorn closes a keep-alive connection after 5 s without a request."""


class KeepAlive:
    """POSTs JSON to one HTTP/1.1 server over keep-alive connections: an idle one when there is
    one, else a new one (the phase bounds how many requests are in flight, hence connections)."""

    def __init__(self, url: str, timeout_s: float) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path or "/"
        self.timeout_s = timeout_s
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """The status and body of the answer; raises on a broken connection or after the timeout.

        A connection idle for longer than the server keeps one open is not reused; one the server
        closed anyway (no byte of an answer came back) is replaced and the request sent once more.
        """
        reused = self._take()
        if reused is not None:
            try:
                return await self._send(reused, body)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                    raise
        return await self._send(await asyncio.open_connection(self.host, self.port), body)

    def _take(self) -> Connection | None:
        now = time.monotonic()
        while self._idle:
            reader, writer, since = self._idle.pop()
            if now - since < IDLE_REUSE_S:
                return reader, writer
            writer.close()
        return None

    async def _send(self, connection: Connection, body: bytes) -> tuple[int, bytes]:
        try:
            status, answer, keep = await asyncio.wait_for(self._exchange(connection, body), self.timeout_s)
        except BaseException:
            connection[1].close()
            raise
        if keep:
            self._idle.append((*connection, time.monotonic()))
        else:
            connection[1].close()
        return status, answer

    async def _exchange(self, connection: Connection, body: bytes) -> tuple[int, bytes, bool]:
        reader, writer = connection
        writer.write(self._head + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, chunked, keep = None, False, True
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = value == b"chunked"
            elif name == b"connection" and value == b"close":
                keep = False
        if chunked:
            return status, await _chunks(reader), keep
        if length is None:
            return status, await reader.read(), False
        return status, await reader.readexactly(length), keep

    def close(self) -> None:
        for _reader, writer, _since in self._idle:
            writer.close()
        self._idle.clear()


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        body += await reader.readexactly(size)
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")  # no trailers are sent
    return body


class Phase:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.url = f"{spec['survey_url']}/v1/responses"
        self.codes: list[tuple[str, str]] = [tuple(c) for c in spec["codes"]]
        self.rng = random.Random(spec.get("seed", 7))
        self.statuses: Counter[str] = Counter()
        self.latencies: list[float] = []
        """Seconds from the scheduled (open) or actual (closed) start to the answer, for 201s."""
        self.started: float | None = None
        """When the open schedule began (None in closed mode, which keeps no per-second record)."""
        self.slowest_by_second: dict[int, float] = {}
        """By second of the schedule: the slowest answer, infinite when one was not a 201."""
        self.scheduled_seconds = 0
        self.service_times: list[float] = []
        self.errors: list[str] = []
        self.freshness: Freshness | None = None
        self.survey = KeepAlive(self.url, float(spec.get("request_timeout_s", 30)))

    async def submit(self, unit_id: str, code: str, scheduled: float) -> None:
        body = {
            "submission_id": str(uuid.uuid4()),
            "code": code,
            "answers": answers_for(self.spec["items"], self.rng),
        }
        sent = time.monotonic()
        try:
            status, answer = await self.survey.post(json.dumps(body).encode())
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            self.statuses[type(exc).__name__] += 1
            self._slowest(scheduled, math.inf)
            return
        done = time.monotonic()
        self.statuses[str(status)] += 1
        self._slowest(scheduled, done - scheduled if status == 201 else math.inf)
        if status == 201:
            self.latencies.append(done - scheduled)
            self.service_times.append(done - sent)
            if self.freshness is not None:
                self.freshness.accepted(unit_id, done)
        elif len(self.errors) < 5:
            self.errors.append(f"{status}: {answer[:300].decode(errors='replace')}")

    def _slowest(self, scheduled: float, latency: float) -> None:
        if self.started is None:
            return
        second = int(scheduled - self.started)
        self.slowest_by_second[second] = max(self.slowest_by_second.get(second, 0.0), latency)

    async def closed(self) -> float:
        duration = float(self.spec["duration_s"])
        codes = iter(self.codes)
        started = time.monotonic()

        async def respondent() -> None:
            while time.monotonic() - started < duration:
                try:
                    unit_id, code = next(codes)
                except StopIteration:
                    return
                await self.submit(unit_id, code, time.monotonic())

        await asyncio.gather(*(respondent() for _ in range(int(self.spec["concurrency"]))))
        return time.monotonic() - started

    async def open(self) -> float:
        rate = float(self.spec["rate"])
        count = min(len(self.codes), int(rate * float(self.spec["duration_s"])))
        max_in_flight = int(self.spec.get("max_in_flight", 512))
        tasks: set[asyncio.Task[None]] = set()
        self.scheduled_seconds = math.ceil(count / rate)
        started = self.started = time.monotonic()
        for i in range(count):
            scheduled = started + i / rate
            if (wait := scheduled - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            if len(tasks) >= max_in_flight:
                self.statuses["not sent (too many in flight)"] += 1
                self._slowest(scheduled, math.inf)
                continue
            unit_id, code = self.codes[i]
            task = asyncio.create_task(self.submit(unit_id, code, scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        deadline = time.monotonic() + float(self.spec.get("drain_s", 30))
        while tasks and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        return time.monotonic() - started

    async def run(self) -> dict[str, Any]:
        limits = httpx.Limits(max_connections=int(self.spec.get("max_in_flight", 512)), max_keepalive_connections=512)
        timeout = httpx.Timeout(float(self.spec.get("request_timeout_s", 30)))
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            stop = asyncio.Event()
            poller = None
            if self.spec.get("freshness"):
                self.freshness = Freshness(
                    self.spec["reporting_url"],
                    self.spec["round_id"],
                    float(self.spec.get("poll_interval_s", 0.05)),
                    self.spec.get("read_model"),
                )
                await self.freshness.start(client)
                poller = asyncio.create_task(self.freshness.run(client, stop))
            elapsed = await (self.closed() if self.spec["mode"] == "closed" else self.open())
            self.survey.close()
            if poller is not None and self.freshness is not None:
                deadline = time.monotonic() + float(self.spec.get("freshness_wait_s", 30))
                while self.freshness.pending and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                stop.set()
                await poller
                await self.freshness.close()
        return self.result(elapsed)

    def result(self, elapsed: float) -> dict[str, Any]:
        accepted = self.statuses.get("201", 0)
        out: dict[str, Any] = {
            "mode": self.spec["mode"],
            "elapsed_s": round(elapsed, 3),
            "requests": sum(self.statuses.values()),
            "statuses": dict(self.statuses),
            "accepted": accepted,
            "accepted_per_s": round(accepted / elapsed, 1) if elapsed else None,
            "latency_ms": summary_ms(self.latencies, sum(self.statuses.values()) - accepted),
            "service_time_ms": summary_ms(self.service_times),
            "errors": self.errors,
        }
        if self.spec["mode"] == "open":
            out["target_rate"] = self.spec["rate"]
            # Whether the tail is spread out (queueing) or gathered in a few seconds (a stall).
            slowest = self.slowest_by_second
            seconds = range(self.scheduled_seconds)
            out["slowest_by_second_ms"] = [_round(slowest[s] * 1000) if s in slowest else None for s in seconds]
        else:
            out["concurrency"] = self.spec["concurrency"]
        if self.freshness is not None:
            out["freshness_ms"] = summary_ms(self.freshness.delays, self.freshness.pending)
            out["freshness_matched"] = len(self.freshness.delays)
            out["freshness_not_counted"] = self.freshness.pending
            out["freshness_polls"] = self.freshness.polls
            out["freshness_poll_errors"] = self.freshness.poll_errors
        return out


def _check_loopback(*urls: str) -> None:
    for url in urls:
        host = urlsplit(url).hostname if "://" in url else dict(p.split("=", 1) for p in url.split()).get("host")
        if host not in LOOPBACK_HOSTS:
            raise SystemExit(f"the load generator only talks to loopback addresses, not {host}")


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text())
    read_model = spec.get("read_model") or {"dsn": "host=127.0.0.1"}
    _check_loopback(spec["survey_url"], spec.get("reporting_url", "http://127.0.0.1"), read_model["dsn"])
    try:
        import uvloop

        result = uvloop.run(Phase(spec).run())
    except ImportError:
        result = asyncio.run(Phase(spec).run())
    Path(argv[1]).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
