"""Respondent requests beyond what the service can answer promptly get a 503 at once, not a timeout.

Each respondent request holds a pooled database connection while it runs. Without a limit, a burst
beyond what the pool serves queues for the pool until requests time out, and by then every
request is late. The limiter lets ``concurrency`` requests run, lets a short queue wait for a
turn (at most ``queue`` requests, each at most ``wait_s``), and refuses the rest with 503 and
``Retry-After``. Submissions are idempotent by their submission id, so a client simply sends the
same one again.

The turn is taken by :class:`IntakeGate`, an ASGI middleware outside everything else, before the
body is read or validated: a refusal then costs almost nothing, so an overloaded process spends
its time on the requests it has taken instead of on parsing requests it cannot serve.
"""

import asyncio
import contextvars
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send

from insikt_common.errors import error_response
from survey_api.errors import Overloaded

T = TypeVar("T")


class IntakeLimiter:
    """First come, first served; made outside the event loop, used only from it."""

    def __init__(self, *, concurrency: int, queue: int, wait_s: float, retry_after_s: int = 1) -> None:
        self._threads = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="intake")
        self._free = concurrency
        self._queue = queue
        self._wait_s = wait_s
        self._retry_after_s = retry_after_s
        self._waiting: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A turn to run, or :class:`Overloaded` when the queue is full or the wait too long."""
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    async def run(self, work: Callable[[], T]) -> T:
        """Run blocking ``work`` on one of the limiter's own threads (a request that has its turn).

        Its own threads, one per turn: handing work to them costs less than to the event loop's
        shared pool, and none is ever waited for. The request's context (its id, for the logs) goes
        along.
        """
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._threads, lambda: context.run(work))

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def acquire(self) -> None:
        """Wait for a turn; :class:`Overloaded` when the queue is full or the wait too long."""
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        if len(self._waiting) >= self._queue:
            raise self._overloaded()
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        self._waiting.append(turn)
        expiry = loop.call_later(self._wait_s, self._expire, turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled() and turn.exception() is None:
                self.release()  # the turn came just as the request was abandoned: pass it on
            raise
        finally:
            expiry.cancel()
            if turn in self._waiting:
                self._waiting.remove(turn)

    def release(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1

    def _expire(self, turn: asyncio.Future[None]) -> None:
        if not turn.done():
            turn.set_exception(self._overloaded())

    def _overloaded(self) -> Overloaded:
        return Overloaded(
            "the service is busy; send the same submission again in a moment", retry_after_s=self._retry_after_s
        )


SHED = Counter("insikt_survey_requests_shed", "Respondent requests answered 503 because too many were waiting")


class IntakeGate:
    """Pure ASGI: ``POST`` to one of ``paths`` runs only with a turn from the limiter, else 503."""

    def __init__(self, app: ASGIApp, limiter: IntakeLimiter, paths: tuple[str, ...]) -> None:
        self.app = app
        self.limiter = limiter
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        try:
            await self.limiter.acquire()
        except Overloaded as refused:
            SHED.inc()
            busy = error_response(refused, headers={"Retry-After": str(refused.retry_after_s)})
            await busy(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.limiter.release()
