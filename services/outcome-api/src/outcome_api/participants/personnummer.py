"""Personnummer and samordningsnummer: checked, normalised to 12 digits and turned into a pseudonym.

Only the pseudonym, an HMAC-SHA256 under a secret key, is ever stored: without the key it cannot be
recomputed from the few million possible numbers. Error messages never repeat the number.
"""

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import date

from insikt_common import clock

_WRITTEN_FORM = re.compile(r"(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})")
COORDINATION_DAY_OFFSET = 60
"""A samordningsnummer is written with 60 added to the day of birth."""


class InvalidPersonnummer(ValueError):
    """The number is not a valid personnummer or samordningsnummer; the message never contains it."""


def normalise(raw: str, today: date | None = None) -> str:
    """The 12-digit form ``YYYYMMDDNNNN``; a samordningsnummer keeps its day + 60.

    Accepts 10 or 12 digits with an optional ``-`` or ``+`` before the last four. A 10-digit
    number's century is the latest that does not put the birth in the future, one further back
    after ``+`` (the separator used from the year someone turns 100).
    """
    today = today or clock.today()
    match = _WRITTEN_FORM.fullmatch(raw.strip())
    if match is None:
        raise InvalidPersonnummer("must be 10 or 12 digits, optionally with - or + before the last four")
    century, yy, mm, dd, separator, last_four = match.groups()
    if not luhn_valid(yy + mm + dd + last_four):
        raise InvalidPersonnummer("the check digit does not match")
    month, day = int(mm), int(dd)
    if day > COORDINATION_DAY_OFFSET:
        day -= COORDINATION_DAY_OFFSET
    if century is None:
        year = _full_year(int(yy), month, day, centenarian=separator == "+", today=today)
    else:
        year = int(century + yy)
    try:
        born_on = date(year, month, day)
    except ValueError:
        raise InvalidPersonnummer("the date of birth is not a real date") from None
    if born_on > today:
        raise InvalidPersonnummer("the date of birth is in the future")
    return f"{year:04d}{mm}{dd}{last_four}"


def pseudonym(normalised: str, key: str) -> str:
    """The stored stand-in for a normalised number: the same person always gets the same value."""
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def luhn_valid(ten_digits: str) -> bool:
    """The check digit of the 10-digit form (Luhn, weights 2-1-2-1… from the left)."""
    total = 0
    for index, char in enumerate(ten_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def _full_year(yy: int, month: int, day: int, *, centenarian: bool, today: date) -> int:
    year = today.year - today.year % 100 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return year - 100 if centenarian else year


_CANDIDATE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def appears_in(text: str, today: date | None = None) -> bool:
    """Whether free text holds a valid personnummer or samordningsnummer, in any written form.

    Free text must not become a way around pseudonymisation: such text is refused, not stored.
    """
    for candidate in _CANDIDATE.findall(text):
        try:
            normalise(candidate, today)
        except InvalidPersonnummer:
            continue
        return True
    return False


def free_text_errors(fields: Mapping[str, str | None], today: date | None = None) -> list[dict[str, str]]:
    """One error per field whose text holds a personnummer (the message never repeats it)."""
    return [
        {"field": name, "message": "must not contain a personnummer or samordningsnummer"}
        for name, text in fields.items()
        if text and appears_in(text, today)
    ]
