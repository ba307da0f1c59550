"""Tabulated rounds kept between requests, each under the version of the read model it was computed from.

A round's tables (every unit and roll-up, suppressed together) cost far more than shaping one
report from them, and they stay the same until the consumer writes one of the rows they are
computed from. An entry is used only while the version read at the start of a request (see
``repository.written_version``) equals the one it was stored under, so a report never shows a
round as it was before events that were already applied. Entries are bounded by an estimate of
their size, least recently used first out.
"""

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_BUDGET = 1_000_000
"""Cells (counts kept or figures shown) kept at most. A round of 300 units and 30 questions with
its riket weighs about 110,000 and takes about 8 MB, so this is about 70 MB: nine such rounds."""


@dataclass
class _Entry:
    version: str
    value: Any
    weight: int


class TablesCache:
    """Values by key, each valid for one version; thread-safe, and a value is computed once even
    when several requests ask for it at the same time."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self._budget = budget
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, version: str | None, compute: Callable[[], tuple[T, int]]) -> T:
        """The value stored for ``key`` at ``version``, or ``compute()``'s (value, weight), stored.

        With no version (a database without row versions) nothing is stored or looked up.
        """
        if version is None:
            return compute()[0]
        found = self._lookup(key, version)
        if found is not None:
            return found.value  # type: ignore[no-any-return]
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            found = self._lookup(key, version)
            if found is not None:
                return found.value  # type: ignore[no-any-return]
            value, weight = compute()
            self._store(key, _Entry(version, value, weight))
            return value

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._entries)

    def _lookup(self, key: Hashable, version: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return None
            self._entries.move_to_end(key)
            return entry

    def _store(self, key: Hashable, entry: _Entry) -> None:
        with self._lock:
            if (old := self._entries.pop(key, None)) is not None:
                self._weight -= old.weight
            if entry.weight > self._budget:
                return
            self._entries[key] = entry
            self._weight += entry.weight
            while self._weight > self._budget:
                _, dropped = self._entries.popitem(last=False)
                self._weight -= dropped.weight


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a round is tabulated: it builds hundreds of thousands
    of small containers, none of them garbage, and the collector would walk them over and over.
    Nested and concurrent pauses are counted; collection resumes (if it was on) when the last ends."""
    global _gc_pauses, _gc_was_enabled  # noqa: PLW0603
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
