"""One-time codes: generated, normalised and hashed. Pure functions, no I/O."""

import hashlib
import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""No 0/O, 1/I/L: nothing a person can misread on paper."""
LENGTH = 12
GROUP = 4
ENTROPY_BITS = LENGTH * math.log2(len(ALPHABET))


def generate() -> str:
    """A random code like ``K7QM-2XPA-9RTD`` (about 59 bits of entropy)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(code: str) -> str:
    """What a person typed, upper-cased and without spaces or dashes."""
    return "".join(c for c in code.upper() if c not in " -\t")


def digest(code: str) -> str:
    """SHA-256 of the normalised code: only this is stored. The codes' entropy makes a salt unneeded."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def is_well_formed(code: str) -> bool:
    plain = normalise(code)
    return len(plain) == LENGTH and all(c in ALPHABET for c in plain)
