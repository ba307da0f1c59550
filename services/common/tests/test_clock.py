from datetime import UTC, date, datetime

import pytest

from insikt_common import clock


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2026, 11, 22, 22, 59, tzinfo=UTC), date(2026, 11, 22)),  # 23:59 in Stockholm (CET)
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), date(2026, 11, 23)),  # 00:30 in Stockholm: already Monday
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),  # 23:59 in Stockholm (CEST)
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), date(2026, 7, 1)),
    ],
)
def test_today_is_the_day_in_sweden_whatever_the_server_clock_zone(now: datetime, day: date) -> None:
    assert clock.today(now) == day
