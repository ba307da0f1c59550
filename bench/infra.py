"""PostgreSQL, Kafka and the three services for a benchmark run, each as its own process.

PostgreSQL and Kafka come from ``INSIKT_BENCH_DATABASE_URL`` (a superuser URL) and
``INSIKT_BENCH_KAFKA_BOOTSTRAP`` when set, otherwise from the launchers in ``deploy/local``.
The services run as separate uvicorn processes configured only through environment variables,
in one fresh database with a schema and a login role per service, as in production.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import httpx
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import kafka_broker  # noqa: E402
import pg_cluster  # noqa: E402
import service_database  # noqa: E402

ServiceDatabase: TypeAlias = service_database.ServiceDatabase
drop_database = service_database.drop_database

LOOPBACK = "127.0.0.1"
SERVICES = {
    "survey-api": ("survey_api", "SURVEY", "survey"),
    "outcome-api": ("outcome_api", "OUTCOME", "outcome"),
    "reporting": ("reporting", "REPORTING", "reporting"),
}


@dataclass
class Servers:
    """Where PostgreSQL and Kafka are, and what they are (for the results)."""

    admin_url: str
    kafka_bootstrap: str
    described: dict[str, str] = field(default_factory=dict)


BENCH_SERVER_SETTINGS = ("shared_buffers=1GB",)
"""As a PostgreSQL for a report round of a million responses would be set up (the default is
128 MB): a rebuild rewrites about that much of the read model (BENCHMARKS.md)."""


@contextlib.contextmanager
def servers(run_dir: Path) -> Iterator[Servers]:
    """PostgreSQL and Kafka from the environment, or started from deploy/local for the run."""
    with contextlib.ExitStack() as stack:
        described: dict[str, str] = {}
        if url := os.environ.get("INSIKT_BENCH_DATABASE_URL"):
            admin_url = url
            described["postgresql"] = f"INSIKT_BENCH_DATABASE_URL ({make_url(url).host})"
        else:
            cluster = pg_cluster.PostgresCluster(run_dir / "postgres", settings=BENCH_SERVER_SETTINGS)
            cluster.start()
            stack.callback(cluster.stop)
            admin_url = cluster.url
            settings = ", ".join(("fsync=off", *BENCH_SERVER_SETTINGS))
            described["postgresql"] = f"local cluster from deploy/local ({pg_cluster.find_pg_bin()}, {settings})"
        if bootstrap := os.environ.get("INSIKT_BENCH_KAFKA_BOOTSTRAP"):
            described["kafka"] = f"INSIKT_BENCH_KAFKA_BOOTSTRAP ({bootstrap})"
        else:
            broker = kafka_broker.KafkaBroker(run_dir / "kafka")
            broker.start()
            stack.callback(broker.stop)
            bootstrap = broker.bootstrap
            described["kafka"] = f"local KRaft broker {kafka_broker.kafka_version()} from deploy/local"
        with create_engine(admin_url).connect() as conn:
            described["postgresql_version"] = str(conn.scalar(text("SHOW server_version")))
        yield Servers(admin_url, bootstrap, described)


def create_service_database(admin_url: str) -> ServiceDatabase:
    return service_database.create_service_database(admin_url, name_prefix="insikt_bench")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def service_env(service: str, database: ServiceDatabase, bootstrap: str, topic_prefix: str) -> dict[str, str]:
    prefix = SERVICES[service][1]
    return {
        **os.environ,
        f"{prefix}_ENVIRONMENT": "test",
        f"{prefix}_DATABASE_URL": database.url_for(service),
        f"{prefix}_MIGRATION_DATABASE_URL": database.owner_url_for(service),
        f"{prefix}_BUS": "kafka",
        f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        f"{prefix}_KAFKA_TOPIC_PREFIX": topic_prefix,
    }


@dataclass
class RunningService:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def running_services(
    database: ServiceDatabase,
    bootstrap: str,
    topic_prefix: str,
    log_dir: Path,
    *,
    survey_workers: int = 1,
    survey_server: str = "serve",
) -> Iterator[dict[str, RunningService]]:
    """Migrate each service with its prestart, start all three, wait until ready.

    survey-api runs as ``survey-api-serve --workers survey_workers`` (docs/operations.md): with
    more than one, worker processes forked from a supervisor; its memory and CPU are then summed
    over all of them. ``survey_server="uvicorn"`` starts it with ``uvicorn --workers`` instead,
    for comparison."""
    started: dict[str, RunningService] = {}
    try:
        for service, (module, _prefix, _schema) in SERVICES.items():
            env = service_env(service, database, bootstrap, topic_prefix)
            subprocess.run([sys.executable, "-m", f"{module}.prestart"], env=env, check=True)
            env = service_database.serving_env(env)
            port = free_port()
            log = log_dir / f"{service}.log"
            if service == "survey-api" and survey_server == "serve":
                command = [sys.executable, "-m", "survey_api.serve", "--workers", str(survey_workers)]
                command += ["--host", LOOPBACK, "--port", str(port)]
            else:
                command = [sys.executable, "-m", "uvicorn", f"{module}.main:create_app", "--factory"]
                command += ["--host", LOOPBACK, "--port", str(port), "--no-access-log"]
                if service == "survey-api":
                    command += ["--workers", str(survey_workers)]
            with log.open("wb") as out:
                process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            started[service] = RunningService(service, f"http://{LOOPBACK}:{port}", process, log, env)
        for running in started.values():
            wait_ready(running)
        yield started
    finally:
        for running in started.values():
            running.process.terminate()
        for running in started.values():
            try:
                running.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                running.process.kill()


def wait_ready(service: RunningService, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{service.url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{service.name} did not become ready; log:\n{service.log.read_text()[-3000:]}")


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (a supervisor's workers), from the kernel's lists of each
    thread's children: a few small reads, not a scan of every process on the machine."""
    tree = [pid]
    for parent in tree:  # grows as children are found
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                tree += [int(child) for child in children.read_text().split()]
    return tree


def memory_mb(pid: int) -> tuple[float, float] | None:
    """(VmRSS, PSS) of a process and its children in MB, each summed over them, or None once it is gone.

    VmRSS counts a page that several of the processes share (the code a forked worker shares with
    its supervisor) once for each of them; PSS divides each resident page among the processes that
    map it, so the tree's shared pages count once. Pages of shared libraries that processes outside
    the tree also map (other Python services on the machine) count in PSS only in part."""
    tree = process_tree(pid)
    rss, pss = _summed(tree, _rss_kb), _summed(tree, lambda p: _smaps_kb(p, "Pss"))
    return None if rss is None or pss is None else (rss / 1024, pss / 1024)


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process and its children have used so far, or None once it is gone."""
    return _summed(process_tree(pid), _cpu_seconds)


def _summed(tree: list[int], read: Callable[[int], float | None]) -> float | None:
    """``read`` summed over ``tree``; None when its root is gone (a child may end meanwhile)."""
    found = [read(p) for p in tree]
    return None if found[0] is None else sum(x for x in found if x is not None)


def _smaps_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def system_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


@dataclass(frozen=True)
class ReadModel:
    """Reporting's per-unit response totals, read as reporting's own role: what its reports count.

    Cheaper and more exact than asking the report API, whose cost grows with the round.
    """

    dsn: str
    table: str

    def totals(self, round_id: str) -> dict[str, int]:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute(f"SELECT unit_id, responses FROM {self.table} WHERE round_id = %s", (round_id,))
            return {unit_id: int(responses) for unit_id, responses in rows}

    def total(self, round_id: str) -> int:
        return sum(self.totals(round_id).values())

    def spec(self) -> dict[str, str]:
        return {"dsn": self.dsn, "table": self.table}


def reporting_read_model(database: ServiceDatabase) -> ReadModel:
    from reporting.survey_results.models import RoundUnitTotal

    url = make_url(database.url_for("reporting"))
    dsn = f"host={url.host} port={url.port or 5432} user={url.username} password={url.password} dbname={url.database}"
    return ReadModel(dsn, RoundUnitTotal.__table__.fullname)  # type: ignore[attr-defined]
