"""Rate limits kept in the database, so they hold across replicas and survive restarts.

Reads and counts of accepted work run in the request's own transaction. A failure (a wrong
code) rolls the request back but must still count, so it counts apart, on a connection of its
own outside the request pool: a request never waits for a second pooled connection while it
holds one.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, case, delete, select
from sqlalchemy.orm import Session, sessionmaker

from insikt_common.db import insert_with_conflicts
from survey_api.access.models import RateLimit
from survey_api.errors import TooManyRequests


class Throttle:
    def __init__(self, apart: sessionmaker[Session], *, limit: int, window_s: int, what: str, key: str) -> None:
        self._apart = apart
        self._secret = key.encode()
        self._limit = limit
        self._window = timedelta(seconds=window_s)
        self._what = what

    def ensure_allowed(self, session: Session, key: str) -> None:
        """429 while ``key`` has used up its window."""
        row = session.execute(_READ, {"key": self.stored(key)}).first()
        self.ensure_within(None if row is None else (row[0], row[1]))

    def ensure_within(self, counter: tuple[int, datetime] | None) -> None:
        """429 if ``counter`` (count, window start), read by the caller, has used up its window."""
        if counter is None:
            return
        count, started = counter
        now = datetime.now(UTC)
        if count >= self._limit and _aware(started) + self._window > now:
            retry = int((_aware(started) + self._window - now).total_seconds()) + 1
            raise TooManyRequests(f"too many {self._what}; try again in {retry} s")

    def count_apart(self, key: str) -> int:
        """Count one more for ``key`` in a transaction of its own, which the request's rollback keeps."""
        with self._apart.begin() as session:
            return self.count(session, key)

    def count(self, session: Session, key: str) -> int:
        """Count one more for ``key`` (a new window once the old one is over); returns the count.

        Windows start on the minute: the table never holds the second anyone answered.
        """
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        expired = _TABLE.c.window_started_at <= now - self._window
        upsert = insert_with_conflicts(session, _TABLE).values(key=self.stored(key), window_started_at=now, count=1)
        statement = upsert.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                "count": case((expired, 1), else_=_TABLE.c.count + 1),
                "window_started_at": case((expired, now), else_=_TABLE.c.window_started_at),
            },
        ).returning(_TABLE.c.count)
        count = int(session.execute(statement).scalar_one())
        # Windows long over say nothing any more: they go, so the table stays small.
        stale = now - max(self._window, timedelta(days=1))
        session.execute(delete(_TABLE).where(_TABLE.c.window_started_at < stale))
        return count

    def stored(self, key: str) -> str:
        """Keys are keyed hashes: a client address is never stored, nor anything that gives it back."""
        kind, _, value = key.partition(":")
        return f"{kind}:{hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()}"


_TABLE = RateLimit.__table__  # type: ignore[attr-defined]
_READ = select(_TABLE.c.count, _TABLE.c.window_started_at).where(_TABLE.c.key == bindparam("key"))
"""Built once: respondent requests read their counter (code submissions within ``find_code``)."""


def with_counter(statement: Select[Any], key: BindParameter[str]) -> Select[Any]:
    """``statement`` also reading the counter under ``key`` (a stored key) as ``counter_count`` and
    ``counter_window_started_at``: nulls when there is none."""
    return statement.outerjoin(_TABLE, _TABLE.c.key == key).add_columns(
        _TABLE.c.count.label("counter_count"), _TABLE.c.window_started_at.label("counter_window_started_at")
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
