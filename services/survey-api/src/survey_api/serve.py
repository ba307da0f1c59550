"""survey-api as several worker processes that share one copy of the imported code.

``survey-api-serve --workers 2`` (or ``python -m survey_api.serve``). ``uvicorn --workers N`` starts
each worker as a fresh interpreter that imports everything again, about 100 MB each. Here the
supervisor builds the app once, then forks the workers: the imported modules stay in pages the
processes share until one of them writes there. Before forking it moves everything made so far out
of the garbage collector's sight (``gc.freeze``), so no collection in a worker writes to those
objects and copies their pages.

Nothing that holds a thread or a connection exists before the fork: the database engines, the
outbox relay, the Kafka producer and the intake limiter's threads are made in the app's lifespan
or on first use, in each worker. The supervisor only waits: it replaces a worker that dies, passes
SIGTERM or SIGINT on to the workers (each finishes its requests and stops its relay) and exits
once they have. A worker whose start-up fails stops them all; a worker whose supervisor was
killed stops by itself. With one worker there is no supervisor: the process serves by itself, as
``uvicorn`` does.
"""

import argparse
import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import time
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from survey_api.main import create_app

log = logging.getLogger("survey_api.serve")

BACKLOG = 2048
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="survey-api-serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="worker processes (default: WEB_CONCURRENCY, else 1)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        help="proxies whose X-Forwarded-For is trusted, as uvicorn's option (default: FORWARDED_ALLOW_IPS, else local)",
    )
    args = parser.parse_args(argv)
    sys.exit(serve(args.host, args.port, max(1, args.workers), forwarded_allow_ips=args.forwarded_allow_ips))


def serve(host: str, port: int, workers: int, *, forwarded_allow_ips: str | None = None) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status."""
    config = uvicorn.Config(
        create_app,
        factory=True,
        host=host,
        port=port,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=False,  # it would record client addresses
        ws="none",  # the service has no websocket endpoint
        lifespan="on",
    )
    config.load()  # builds the app and imports the protocol and loop modules, all before the fork
    listener = socket.create_server((host, port), backlog=BACKLOG)
    if workers == 1:
        server = uvicorn.Server(config)
        server.run(sockets=[listener])
        return 0 if server.started else STARTUP_FAILURE
    gc.collect()
    gc.freeze()
    return Supervisor(config, listener, workers).run()


class Worker(uvicorn.Server):
    """A worker stops by itself once its supervisor is gone: killed outright, it could not pass a
    stop on, and a worker left behind would keep serving and publishing unsupervised."""

    def __init__(self, config: uvicorn.Config, *, supervisor: int) -> None:
        super().__init__(config)
        self._supervisor = supervisor

    async def on_tick(self, counter: int) -> bool:
        if counter % 10 == 0 and os.getppid() != self._supervisor:
            self.should_exit = True
        return await super().on_tick(counter)


class Supervisor:
    """Forks ``workers`` workers that serve on ``listener``, keeps that many, stops them on a signal."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket, workers: int) -> None:
        self._pid = os.getpid()
        self._config = config
        self._listener = listener
        self._workers = workers
        self._children: set[int] = set()
        self._stopping = False
        self._status = 0

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._stop)
        for _ in range(self._workers):
            self._fork()
        log.info("serving on %s with %d workers", self._config.port, self._workers)
        while self._children:
            pid, status = os.wait()
            self._children.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            if self._stopping:
                continue
            if code == STARTUP_FAILURE:
                log.error("a worker could not start; stopping")
                self._status = STARTUP_FAILURE
                self._stop(signal.SIGTERM, None)
            else:
                log.warning("worker %d ended (%d); starting another", pid, code)
                time.sleep(0.5)  # a worker that keeps dying must not take a core with it
                if not self._stopping:
                    self._fork()
        self._listener.close()
        return self._status

    def _fork(self) -> None:
        # A stop signal that arrives while forking waits until the new worker is known.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                self._work()
            self._children.add(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _work(self) -> None:
        """The worker: never returns into the supervisor's code."""
        status = 1
        try:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            server = Worker(self._config, supervisor=self._pid)
            server.run(sockets=[self._listener])
            status = 0 if server.started else STARTUP_FAILURE
        finally:
            logging.shutdown()
            os._exit(status)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True
        for pid in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
