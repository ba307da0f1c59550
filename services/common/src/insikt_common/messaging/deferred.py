"""Writes that wait for the end of the consumer's transaction.

A counter that only adds up (a unit's responses, an option's answers) need not be written once per
batch of events: the consumer opens a transaction, handlers add to the transaction's tally in memory,
and the tally is written once per key just before the commit. A transaction that takes in several
polls (``EventConsumer(events_per_transaction=...)``, the rebuild) then writes each counter once for
all of them. Outside such a transaction (a handler called on its own, the consumer's one-by-one pass
over a poisoned batch, whose savepoints could not take back what a tally had added) handlers write
at once.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

_PENDING = "insikt.deferred_writes"


class DeferredWrite(Protocol):
    def write(self, session: Session) -> None:
        """Write what was gathered (called once, just before the transaction commits)."""
        ...


W = TypeVar("W", bound=DeferredWrite)


def deferred(session: Session, key: Hashable, make: Callable[[], W]) -> W | None:
    """The transaction's pending write under ``key`` (made on first use), or None when nothing is
    deferred in this session and the caller should write at once."""
    pending: dict[Hashable, DeferredWrite] | None = session.info.get(_PENDING)
    if pending is None:
        return None
    if key not in pending:
        pending[key] = make()
    write = pending[key]
    return write  # type: ignore[return-value]  # the key stands for the type made under it


@contextmanager
def deferring(session: Session) -> Iterator[None]:
    """Defer writes made in the block; they are written, in the order first asked for, when it ends
    without an exception (and dropped with the rolled-back transaction when it does not)."""
    pending: dict[Hashable, DeferredWrite] = {}
    session.info[_PENDING] = pending
    try:
        yield
        del session.info[_PENDING]
        for write in pending.values():
            write.write(session)
    finally:
        session.info.pop(_PENDING, None)
