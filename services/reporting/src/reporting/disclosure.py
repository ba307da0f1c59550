"""Statistical disclosure control: which counts may leave the system. Pure functions.

A count from fewer than ``k`` people is suppressed (primary suppression). When a suppressed
count could be worked out from a published total and its published siblings, the smallest
published sibling is suppressed as well (complementary suppression).
"""

from collections.abc import Mapping
from dataclasses import dataclass

BELOW_K = "fewer than k"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Cell:
    value: int | None
    suppressed: str | None = None
    """Why the value is withheld: ``fewer than k`` or ``complementary``; None when shown."""


def suppress_total(total: int, k: int) -> Cell:
    return Cell(total) if total >= k else Cell(None, BELOW_K)


def suppress_breakdown(counts: Mapping[str, int], total: int, k: int) -> dict[str, Cell]:
    """Suppress the counts of one breakdown that adds up to a published ``total``.

    When the total itself is below k, every cell goes with it.
    """
    if total < k:
        return {name: Cell(None, BELOW_K) for name in counts}
    primary = {name for name, count in counts.items() if 0 < count < k}
    hidden = set(primary)
    if len(hidden) == 1:
        shown = sorted((c, name) for name, c in counts.items() if name not in hidden)
        if shown:
            hidden.add(shown[0][1])
    return {
        name: Cell(None, BELOW_K if name in primary else COMPLEMENTARY) if name in hidden else Cell(count)
        for name, count in counts.items()
    }
