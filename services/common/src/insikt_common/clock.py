"""The calendar day the services' users mean: the day in Sweden, whatever zone the server's clock is set to.

A caseworker who records at 00:30 in Stockholm means that day, which on a server running in UTC is still
the day before; a respondent who answers on the last evening of a round is inside it. Every date that a
rule is checked against ("not in the future", "the round is open", "published on") comes from here.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def today(now: datetime | None = None) -> date:
    """Today's date in Sweden (at ``now``, an aware time, when given)."""
    return (now or datetime.now(UTC)).astimezone(SWEDEN).date()
