#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster for local runs and tests, without Docker.

Uses the server binaries Debian's ``postgresql`` package installs under
``/usr/lib/postgresql/<version>/bin`` (see shared/KAFKA-LOCAL.md): ``initdb``
once per run dir, then ``pg_ctl`` to start and stop a postmaster that listens
only on 127.0.0.1 and a Unix socket inside the run dir. Authentication is
``trust``, so the URL carries no password.

Stdlib only, so pytest's conftest can import it (``sys.path`` insertion of
``deploy/local``) before any project dependency is installed. As a CLI::

    python deploy/local/pg_cluster.py start --run-dir DIR [--port N]
    python deploy/local/pg_cluster.py stop --run-dir DIR

Use a separate run dir from the Kafka broker's: both keep ``data/``,
``logs/`` and ``ports.json`` there.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from local_process import LOOPBACK, StartStop, free_port, tail

if TYPE_CHECKING:
    from collections.abc import Sequence

PG_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = "run deploy/local/install-system-deps.sh"
SUPERUSER = "postgres"
OS_USER = "postgres"
LOCALES = ("C.UTF-8", "C")
SERVER_SETTINGS = ("listen_addresses=127.0.0.1", "fsync=off", "max_connections=200")
# sun_path is 108 bytes on Linux; libpq needs room for "/.s.PGSQL.NNNNN" + NUL.
_MAX_SOCKET_PATH = 107


def _version_key(path: Path) -> tuple[int, ...]:
    """Sort ``/usr/lib/postgresql/15/bin`` by its numeric version."""
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def _has_server_tools(bin_dir: Path) -> bool:
    return (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file()


def find_pg_bin() -> Path:
    """Newest PostgreSQL bin dir with initdb and pg_ctl.

    Debian keeps the server tools off PATH (only wrappers are in /usr/bin), so
    look in /usr/lib/postgresql first; PATH is the fallback for other layouts.
    """
    candidates = [b for b in PG_ROOT.glob("*/bin") if _has_server_tools(b)]
    if candidates:
        return max(candidates, key=_version_key)
    on_path = shutil.which("pg_ctl")
    if on_path and _has_server_tools(Path(on_path).resolve().parent):
        return Path(on_path).resolve().parent
    raise RuntimeError(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found under {PG_ROOT}/*/bin or on PATH; {INSTALL_HINT}"
    )


def _saved_port(path: Path) -> int | None:
    """Read the port an earlier start recorded, so restarts keep the URL."""
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    port = data.get("port") if isinstance(data, dict) else None
    return int(port) if port else None


class PostgresCluster(StartStop):
    """One PostgreSQL cluster whose data, socket and logs live in ``run_dir``.

    The port is chosen at the first start() (or taken from ``run_dir/ports.json``)
    and kept, so stop() then start() serves the same data on the same URL.

    ``detached=True`` (used by the CLI) leaves the server running after this
    Python process exits; otherwise an atexit hook stops it. pg_ctl daemonizes
    the postmaster, so unlike the Kafka broker it is not killed if Python dies
    from a signal; ``stop --run-dir`` or ``pg_ctl stop`` cleans up then.

    When run as root, initdb and pg_ctl run as the ``postgres`` OS user, since
    PostgreSQL refuses to run as root.
    """

    def __init__(
        self, run_dir: Path, port: int | None = None, *, detached: bool = False, settings: tuple[str, ...] = ()
    ) -> None:
        """``settings``: server settings (``name=value``) beside ``SERVER_SETTINGS``."""
        self.run_dir = Path(run_dir).resolve()
        self._port = port or _saved_port(self.run_dir / "ports.json")
        self._detached = detached
        self._settings = (*SERVER_SETTINGS, *settings)
        self._bin: Path | None = None

    # ---- addresses and paths

    @property
    def port(self) -> int:
        """TCP port on 127.0.0.1; known once start() has run."""
        if self._port is None:
            raise RuntimeError("the port is chosen by start(); call it first")
        return self._port

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for the ``postgres`` database."""
        return f"postgresql+psycopg://{SUPERUSER}@{LOOPBACK}:{self.port}/postgres"

    @property
    def dsn(self) -> str:
        """Libpq keyword/value connection string, e.g. for psql or psycopg."""
        return f"host={LOOPBACK} port={self.port} user={SUPERUSER} dbname=postgres"

    @property
    def data_dir(self) -> Path:
        """PGDATA, created by initdb on the first start."""
        return self.run_dir / "data"

    @property
    def log_file(self) -> Path:
        """Server log written by pg_ctl -l; appended to across restarts."""
        return self.run_dir / "logs" / "postgres.log"

    # ---- lifecycle

    def start(self, timeout: float = 60) -> None:
        """Run initdb on first use, then start the server and wait for it.

        Raises RuntimeError with the server log tail if it does not come up.
        """
        if self.is_running():
            self._port = _saved_port(self.run_dir / "ports.json") or self._port
            return
        if self._port is None:
            self._port = free_port()
        self._prepare_run_dir()
        if not (self.data_dir / "PG_VERSION").is_file():
            self._initdb()
        self._pg_ctl_start(timeout)
        (self.run_dir / "ports.json").write_text(json.dumps({"port": self.port}) + "\n")
        if not self._detached:
            atexit.register(self.stop)

    def stop(self, timeout: float = 30) -> None:
        """Fast shutdown (rolls back open sessions); a no-op when not running."""
        atexit.unregister(self.stop)
        if not self.is_running():
            return
        result = self._run_pg_ctl(
            [
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "-t",
                str(int(timeout)),
                "stop",
            ]
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed:\n{tail(result.stdout)}")

    def is_running(self) -> bool:
        """Tell whether a postmaster serves this run dir (``pg_ctl status``)."""
        if not (self.data_dir / "PG_VERSION").is_file():
            return False
        return self._run_pg_ctl(["-D", str(self.data_dir), "status"]).returncode == 0

    # ---- internals

    def _pg_bin(self) -> Path:
        if self._bin is None:
            self._bin = find_pg_bin()
        return self._bin

    def _prepare_run_dir(self) -> None:
        """Create the run dir and, as root, hand it to the postgres OS user."""
        socket_path = self.run_dir / f".s.PGSQL.{self.port}"
        if len(str(socket_path)) > _MAX_SOCKET_PATH:
            raise RuntimeError(f"run dir {self.run_dir} is too long for a Unix socket path; use a shorter one")
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _hand_over_to_postgres(self.run_dir)

    def _initdb(self) -> None:
        """Create the cluster; C.UTF-8 keeps sorting predictable, C if missing."""
        output = ""
        for locale in LOCALES:
            result = self._run(
                "initdb",
                [
                    "-D",
                    str(self.data_dir),
                    "-A",
                    "trust",
                    "-U",
                    SUPERUSER,
                    "--encoding=UTF8",
                    f"--locale={locale}",
                ],
            )
            if result.returncode == 0:
                return
            output = result.stdout
            shutil.rmtree(self.data_dir, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{tail(output)}")

    def _pg_ctl_start(self, timeout: float) -> None:
        """pg_ctl start -w; the -o string goes through a shell, hence quoting."""
        settings = " ".join(f"-c {item}" for item in self._settings)
        options = f"-p {self.port} -k {shlex.quote(str(self.run_dir))} {settings}"
        result = self._run_pg_ctl(
            [
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                str(int(timeout)),
                "start",
            ]
        )
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            raise RuntimeError(
                f"PostgreSQL did not start (pg_ctl exit {result.returncode}):\n"
                f"{tail(result.stdout)}\n--- {self.log_file} ---\n{tail(log)}"
            )

    def _run_pg_ctl(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return self._run("pg_ctl", args)

    def _run(self, tool: str, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        """Run a server tool, as the postgres OS user when we are root.

        Output is captured (merged) so a CLI caller reading ``DATABASE_URL=``
        from our stdout sees nothing else, and errors can quote it.
        """
        as_postgres = os.geteuid() == 0
        return subprocess.run(
            [str(self._pg_bin() / tool), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.run_dir,
            user=OS_USER if as_postgres else None,
            group=_os_account(OS_USER).pw_gid if as_postgres else None,
            extra_groups=[] if as_postgres else None,
            check=False,
        )


def _os_account(user: str) -> pwd.struct_passwd:
    """Look up the OS user the server runs as; fail clearly if it is missing."""
    try:
        return pwd.getpwnam(user)
    except KeyError:
        raise RuntimeError(f"running as root needs the '{user}' OS user; {INSTALL_HINT}") from None


def _hand_over_to_postgres(run_dir: Path) -> None:
    """Give the run dir to postgres and let it traverse the parents.

    PostgreSQL refuses to run as root, so the postgres user must own the data
    and reach the dir: pytest's /tmp/pytest-of-root is mode 0700, for example.
    Only search (x) permission is added to parents, never read or write.
    """
    account = _os_account(OS_USER)
    for path in [run_dir, *run_dir.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    for parent in run_dir.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


# -------------------------------------------------------------------------- CLI


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pg_cluster.py",
        description="Local throwaway PostgreSQL cluster (trust auth, 127.0.0.1).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start detached; prints DATABASE_URL=...")
    start.add_argument("--run-dir", type=Path, required=True)
    start.add_argument("--port", type=int)
    start.add_argument("--timeout", type=float, default=60.0)
    stop = sub.add_parser("stop", help="stop the cluster of this run dir")
    stop.add_argument("--run-dir", type=Path, required=True)
    stop.add_argument("--timeout", type=float, default=30.0)
    return parser


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "start":
            cluster = PostgresCluster(args.run_dir, args.port, detached=True)
            cluster.start(timeout=args.timeout)
            print(f"DATABASE_URL={cluster.url}", flush=True)
        else:
            PostgresCluster(args.run_dir).stop(timeout=args.timeout)
    except RuntimeError as exc:
        print(f"pg_cluster: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
