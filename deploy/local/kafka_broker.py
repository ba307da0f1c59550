#!/usr/bin/env python3
"""A real single-node Apache Kafka broker (KRaft mode) for local runs and tests.

The project's machines have no Docker engine and cannot reach the Apache download
mirrors, but Kafka's jars are on Maven Central: ``kafka/pom.xml`` beside this file
names them, Maven copies the runtime classpath into a per-version cache once, and
the broker runs as one plain ``java`` process (see shared/KAFKA-LOCAL.md).

Stdlib only, so pytest's conftest can import it (``sys.path`` insertion of
``deploy/local``) before any project dependency is installed. As a CLI::

    python deploy/local/kafka_broker.py start --run-dir DIR [--port N]
    python deploy/local/kafka_broker.py stop --run-dir DIR
    python deploy/local/kafka_broker.py jars
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from local_process import LOOPBACK, StartStop, free_port, tail

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

HERE = Path(__file__).resolve().parent
POM_PATH = HERE / "kafka" / "pom.xml"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.7.1"
INSTALL_HINT = "run deploy/local/install-system-deps.sh"
STARTED_MESSAGE = "Kafka Server started"
JVM_HEAP = ("-Xms256m", "-Xmx512m")
LOG_TAIL_LINES = 60
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_RESPONSE_HEADER = struct.Struct(">ii")  # Kafka response: size, correlation id

LOG4J2_PROPERTIES = """\
# Written by deploy/local/kafka_broker.py. Quiet on purpose: only warnings, plus
# the KafkaRaftServer INFO line "Kafka Server started" that start() waits for.
status = warn
name = insikt-local-kafka
# Kafka stops its own loggers; log4j's hook only warns when it fires mid-shutdown.
shutdownHook = disable
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
"""


class BrokerStartError(RuntimeError):
    """The broker could not be formatted or did not become ready."""


# --------------------------------------------------------------------------- jars


def kafka_version(pom: Path = POM_PATH) -> str:
    """Read ``kafka.version`` from the POM so the cache follows a version bump."""
    node = ET.parse(pom).getroot().find("m:properties/m:kafka.version", _POM_NS)
    text = (node.text or "").strip() if node is not None else ""
    if not text:
        raise RuntimeError(f"{pom} has no <kafka.version> property")
    return text


def cache_root() -> Path:
    """Where downloaded jars live; shared by every checkout on the machine."""
    configured = os.environ.get("INSIKT_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "insikt"


def ensure_jars() -> Path:
    """Return a lib dir holding Kafka's runtime classpath, downloading it once.

    The marker file is written only after Maven succeeded and records the POM's
    hash, so an interrupted download or an edited POM is fetched again. A file
    lock keeps parallel test workers from downloading into the same dir at once.
    """
    base = cache_root() / f"kafka-{kafka_version()}"
    lib, marker = base / "lib", base / "lib.complete"
    fingerprint = hashlib.sha256(POM_PATH.read_bytes()).hexdigest()
    if _jars_complete(lib, marker, fingerprint):
        return lib
    base.mkdir(parents=True, exist_ok=True)
    with _file_lock(base / ".lock"):
        if not _jars_complete(lib, marker, fingerprint):
            marker.unlink(missing_ok=True)
            _download_jars(lib)
            marker.write_text(fingerprint + "\n")
    return lib


def _jars_complete(lib: Path, marker: Path, fingerprint: str) -> bool:
    """Tell whether a previous download finished for exactly this POM."""
    try:
        recorded = marker.read_text().strip()
    except FileNotFoundError:
        return False
    return recorded == fingerprint and any(lib.glob("kafka_2.13-*.jar"))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` for the block."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _download_jars(lib: Path) -> None:
    """Let Maven copy the runtime dependencies of the POM into ``lib``.

    Output is captured rather than inherited so that a CLI caller reading our
    stdout (``KAFKA_BOOTSTRAP=...``) never sees Maven's chatter.
    """
    shutil.rmtree(lib, ignore_errors=True)
    command = [
        _require_tool("mvn"),
        "-B",
        "-q",
        "-f",
        str(POM_PATH),
        f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={lib}",
    ]
    print(f"kafka_broker: downloading Kafka jars into {lib} ...", file=sys.stderr)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = tail(result.stdout + result.stderr, LOG_TAIL_LINES)
        raise RuntimeError(f"Maven could not fetch the Kafka jars:\n{output}")


def _require_tool(name: str) -> str:
    """Find an executable or fail with the command that installs it."""
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"'{name}' is not installed; {INSTALL_HINT}")
    return found


def _java() -> str:
    """Prefer $JAVA_HOME like Kafka's own start scripts, else java on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    return _require_tool("java")


# ---------------------------------------------------------------------- helpers


def _new_cluster_id() -> str:
    """Make a KRaft cluster id: base64url of 16 random bytes, no leading '-'."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def _read_json(path: Path) -> dict[str, int]:
    """Load a small state file; a missing or broken one means no state."""
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {k: int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _pid_alive(pid: int) -> bool:
    """Tell whether ``pid`` runs; a zombie (exited, unreaped) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _cmdline(pid: int) -> str:
    """Read a command line, to tell our broker from a recycled pid."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _signal_group(pid: int, signum: signal.Signals) -> None:
    """Signal the broker's whole session (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


def _die_with_parent_hook() -> Callable[[], None] | None:
    """Build a preexec_fn making Linux SIGKILL the child when its parent dies.

    atexit does not run when Python is killed by a signal; PR_SET_PDEATHSIG
    covers that. Caveat: the kernel fires it when the *thread* that spawned the
    child exits, so start a non-detached broker from a long-lived thread.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return hook


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    """Read exactly ``size`` bytes, or fewer if the peer closes early."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def kafka_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Tell whether a Kafka broker answers an ApiVersions request on host:port.

    A bare TCP connect can succeed before the request handlers run; a reply with
    our correlation id proves the broker speaks the protocol. Even an
    "unsupported version" error reply counts, since it is still an answer.
    """
    client_id = b"insikt-probe"
    correlation_id = 0x1A5C
    body = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            header = _recv_exact(sock, _RESPONSE_HEADER.size)
    except OSError:
        return False
    if len(header) != _RESPONSE_HEADER.size:
        return False
    _size, answered_id = _RESPONSE_HEADER.unpack(header)
    return bool(answered_id == correlation_id)


# ----------------------------------------------------------------------- broker


class KafkaBroker(StartStop):
    """One combined broker+controller node whose state lives in ``run_dir``.

    Ports are chosen at the first start() (or taken from ``run_dir/ports.json``
    left by an earlier start) and kept, so stop() then start() brings back the
    same broker, on the same address, with the same topics and messages.

    ``detached=True`` (used by the CLI) leaves the broker running after this
    Python process exits. Otherwise it is stopped by an atexit hook and, on
    Linux, SIGKILLed by the kernel if Python dies without running atexit. The
    kernel ties that to the *thread* calling start(), so call it from the main
    thread or another thread that outlives the broker.
    """

    def __init__(
        self,
        run_dir: Path,
        port: int | None = None,
        controller_port: int | None = None,
        *,
        detached: bool = False,
    ) -> None:
        self.run_dir = Path(run_dir).resolve()
        saved = _read_json(self.run_dir / "ports.json")
        self._port: int | None = port or saved.get("port")
        self._controller_port: int | None = controller_port or saved.get("controller_port")
        self._detached = detached
        self._proc: subprocess.Popen[bytes] | None = None

    # ---- addresses and paths

    @property
    def port(self) -> int:
        """The PLAINTEXT client port; known once start() has run."""
        if self._port is None:
            raise RuntimeError("the broker's port is chosen by start(); call it first")
        return self._port

    @property
    def controller_port(self) -> int:
        """The KRaft controller port; known once start() has run."""
        if self._controller_port is None:
            raise RuntimeError("the controller port is chosen by start(); call it first")
        return self._controller_port

    @property
    def bootstrap(self) -> str:
        """``bootstrap_servers`` value for clients, e.g. ``127.0.0.1:9092``."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def log_file(self) -> Path:
        """Broker stdout/stderr; appended to across restarts."""
        return self.run_dir / "logs" / "broker.out"

    @property
    def _config(self) -> Path:
        return self.run_dir / "server.properties"

    @property
    def _log4j_config(self) -> Path:
        return self.run_dir / "log4j2.properties"

    @property
    def _pid_file(self) -> Path:
        return self.run_dir / "broker.pid"

    # ---- lifecycle

    def start(self, timeout: float = 120) -> None:
        """Start the broker and return once it serves clients.

        ``timeout`` covers formatting and startup, not the one-time jar download.
        Raises BrokerStartError (a RuntimeError) with the log tail if the broker
        exits or is not ready in time; the process is then stopped.
        """
        if self.is_running():
            if self._proc is not None:
                return
            raise RuntimeError(f"a Kafka broker is already running for {self.run_dir}")
        lib = ensure_jars()
        deadline = time.monotonic() + timeout
        self._prepare_run_dir()
        self._format_storage(lib, timeout)
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        self._proc = proc = self._launch(lib)
        self._pid_file.write_text(f"{proc.pid}\n")
        if not self._detached:
            atexit.register(self._stop_at_exit)
        try:
            self._wait_ready(proc, offset, deadline, timeout)
        except BaseException:
            self.stop(timeout=10)
            raise

    def stop(self, timeout: float = 30) -> None:
        """Shut down cleanly with SIGTERM; SIGKILL if that takes over ``timeout``.

        Works for a broker started by another process (the CLI) via broker.pid.
        Stopping a broker that is not running does nothing.
        """
        pid = self._live_pid()
        if pid is not None:
            _signal_group(pid, signal.SIGTERM)
            if not self._wait_exit(pid, timeout):
                _signal_group(pid, signal.SIGKILL)
                self._wait_exit(pid, 10)
        self._proc = None
        self._pid_file.unlink(missing_ok=True)
        atexit.unregister(self._stop_at_exit)

    def is_running(self) -> bool:
        """Tell whether this broker's java process is alive."""
        return self._live_pid() is not None

    # ---- internals

    def _stop_at_exit(self) -> None:
        """Stop at interpreter exit: never leave a java process behind."""
        self.stop(timeout=10)

    def _live_pid(self) -> int | None:
        """Our child's pid, else the recorded pid if it is still this broker."""
        if self._proc is not None:
            return self._proc.pid if self._proc.poll() is None else None
        try:
            pid = int(self._pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not _pid_alive(pid):
            return None
        ours = str(self._config) in _cmdline(pid) or not Path("/proc").is_dir()
        return pid if ours else None

    def _wait_exit(self, pid: int, timeout: float) -> bool:
        """Wait for ``pid`` to end; reap it when it is our own child."""
        if self._proc is not None and self._proc.pid == pid:
            try:
                self._proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return False
            return True
        deadline = time.monotonic() + timeout
        while _pid_alive(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def _assign_ports(self) -> None:
        """Pick free loopback ports once; later starts reuse them."""
        if self._port is None:
            self._port = free_port(frozenset({self._controller_port or 0}))
        if self._controller_port is None or self._controller_port == self._port:
            self._controller_port = free_port(frozenset({self._port}))

    def _prepare_run_dir(self) -> None:
        """Create dirs and (re)write configs and ports.json for this start."""
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        self._assign_ports()
        self._config.write_text(self._server_properties())
        self._log4j_config.write_text(LOG4J2_PROPERTIES)
        ports = {"port": self.port, "controller_port": self.controller_port}
        (self.run_dir / "ports.json").write_text(json.dumps(ports) + "\n")

    def _server_properties(self) -> str:
        """Single-node KRaft config on loopback, tuned for fast test startup."""
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{LOOPBACK}:{self.controller_port}",
            "listeners": (f"PLAINTEXT://{LOOPBACK}:{self.port},CONTROLLER://{LOOPBACK}:{self.controller_port}"),
            "advertised.listeners": f"PLAINTEXT://{LOOPBACK}:{self.port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": ("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            "log.dirs": str(self.run_dir / "data"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "num.network.threads": "2",
            "num.io.threads": "2",
            "auto.create.topics.enable": "true",
        }
        header = "# Written by deploy/local/kafka_broker.py on every start.\n"
        return header + "".join(f"{key}={value}\n" for key, value in settings.items())

    def _java_command(self, lib: Path, *args: str) -> list[str]:
        """Build a java command with our heap, logging config and classpath."""
        return [
            _java(),
            *JVM_HEAP,
            f"-Dkafka.logs.dir={self.run_dir / 'logs'}",
            f"-Dlog4j2.configurationFile={self._log4j_config}",
            "-cp",
            f"{lib}/*",
            *args,
        ]

    def _cluster_id(self) -> str:
        """Return the id already formatted into log.dirs, else a fresh one.

        StorageTool verifies the id even with --ignore-formatted, so a restart
        must pass the one the data was formatted with.
        """
        meta = self.run_dir / "data" / "meta.properties"
        with contextlib.suppress(FileNotFoundError):
            for line in meta.read_text().splitlines():
                key, _, value = line.partition("=")
                if key.strip() == "cluster.id" and value.strip():
                    return value.strip()
        return _new_cluster_id()

    def _format_storage(self, lib: Path, timeout: float) -> None:
        """Format log.dirs for KRaft; a no-op on restarts (--ignore-formatted)."""
        command = self._java_command(
            lib,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            self._cluster_id(),
            "-c",
            str(self._config),
            "--ignore-formatted",
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            output = tail(result.stdout + result.stderr, LOG_TAIL_LINES)
            raise BrokerStartError(f"formatting Kafka storage failed:\n{output}")

    def _launch(self, lib: Path) -> subprocess.Popen[bytes]:
        """Spawn the broker in its own session with output going to log_file."""
        command = self._java_command(lib, "kafka.Kafka", str(self._config))
        with self.log_file.open("ab") as out:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.run_dir,
                start_new_session=True,
                # The hook only calls prctl(), which is async-signal-safe.
                preexec_fn=None if self._detached else _die_with_parent_hook(),  # noqa: PLW1509
            )

    def _log_since(self, offset: int) -> str:
        """Log text written by the current start (the file spans restarts)."""
        with contextlib.suppress(FileNotFoundError), self.log_file.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")
        return ""

    def _wait_ready(
        self,
        proc: subprocess.Popen[bytes],
        offset: int,
        deadline: float,
        timeout: float,
    ) -> None:
        """Block until the startup line is logged and the port answers Kafka."""
        while True:
            code = proc.poll()
            if code is not None:
                raise BrokerStartError(
                    f"Kafka broker exited with code {code} during startup; "
                    f"{self.log_file} ends with:\n{tail(self._log_since(offset), LOG_TAIL_LINES)}"
                )
            if STARTED_MESSAGE in self._log_since(offset) and kafka_answers(LOOPBACK, self.port):
                return
            if time.monotonic() > deadline:
                raise BrokerStartError(
                    f"Kafka broker not ready within {timeout:.0f}s; "
                    f"{self.log_file} ends with:\n{tail(self._log_since(offset), LOG_TAIL_LINES)}"
                )
            time.sleep(0.2)


# -------------------------------------------------------------------------- CLI


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kafka_broker.py",
        description="Local single-node Kafka broker (KRaft) from Maven Central jars.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start detached; prints KAFKA_BOOTSTRAP=host:port")
    start.add_argument("--run-dir", type=Path, required=True)
    start.add_argument("--port", type=int)
    start.add_argument("--controller-port", type=int)
    start.add_argument("--timeout", type=float, default=120.0)
    stop = sub.add_parser("stop", help="stop the broker started with this run dir")
    stop.add_argument("--run-dir", type=Path, required=True)
    stop.add_argument("--timeout", type=float, default=30.0)
    sub.add_parser("jars", help="download the jars into the cache; prints the lib dir")
    return parser


def _cli_start(args: argparse.Namespace) -> None:
    """Start (or find already running) and print the bootstrap address."""
    broker = KafkaBroker(args.run_dir, args.port, args.controller_port, detached=True)
    if broker.is_running():
        print(f"kafka_broker: already running for {broker.run_dir}", file=sys.stderr)
    else:
        broker.start(timeout=args.timeout)
    print(f"KAFKA_BOOTSTRAP={broker.bootstrap}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "start":
            _cli_start(args)
        elif args.command == "stop":
            KafkaBroker(args.run_dir).stop(timeout=args.timeout)
        else:
            print(ensure_jars())
    except RuntimeError as exc:
        print(f"kafka_broker: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
