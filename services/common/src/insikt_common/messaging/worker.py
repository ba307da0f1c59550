"""A background thread that loops over a unit of work, backing off while it fails."""

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class LoopWorker:
    """Runs ``step`` until stopped. ``step`` returns how much it did; when it did nothing the
    thread sleeps ``idle_wait_s`` (or until ``wake``); when it raises, it backs off, up to 5 s."""

    def __init__(self, name: str, step: Callable[[], int], idle_wait_s: float) -> None:
        self.name = name
        self._step = step
        self._idle_wait_s = idle_wait_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.healthy = True

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                done = self._step()
                self.healthy = True
                backoff = 0.1
            except Exception:
                log.exception("%s failed; retrying in %.1f s", self.name, backoff)
                self.healthy = False
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if not done:
                self._wake.wait(self._idle_wait_s)
                self._wake.clear()
