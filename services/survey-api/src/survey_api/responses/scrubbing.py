"""Free text loses personnummer, phone numbers and e-mail addresses before it is stored or sent.

Pure functions. The patterns err on the side of removing too much: a respondent's comment is
worth less than an identity it could reveal.
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PERSONNUMMER = re.compile(r"(?<![\d+])(?:\d{2})?\d{6}[\s]?[-+]?[\s]?\d{4}(?!\d)")
"""10 or 12 digits, the last four set off by nothing, ``-`` or ``+`` (also samordningsnummer)."""
PHONE = re.compile(r"(?<![\w(])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?!\w)")
"""Seven or more digits written with the usual separators: ``070-123 45 67``, ``+46 8 123 456``."""

EMAIL_MARK = "[e-post borttagen]"
PERSONNUMMER_MARK = "[personnummer borttaget]"
PHONE_MARK = "[telefonnummer borttaget]"


def scrub(text: str) -> str:
    text = EMAIL.sub(EMAIL_MARK, text)
    text = PERSONNUMMER.sub(PERSONNUMMER_MARK, text)
    return PHONE.sub(_phone, text)


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return PHONE_MARK if digits >= 7 else match.group()
