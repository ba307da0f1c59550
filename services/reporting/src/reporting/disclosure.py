"""Statistical disclosure control: which counts may leave the system. Pure functions.

A count from fewer than ``k`` people is suppressed (primary suppression). When a suppressed
count could be worked out from a published total and its published siblings, the smallest
published sibling is suppressed as well (complementary suppression).
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

BELOW_K = "fewer than k"
COMPLEMENTARY = "complementary"

K = TypeVar("K", bound=Hashable)


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


@dataclass(frozen=True)
class Equation(Generic[K]):
    """``total`` is the sum of ``parts``: anyone who sees all but one of them can work out the last."""

    total: K
    parts: tuple[K, ...]
    hide_total_first: bool = False
    """Protect a lone hidden part by hiding the total rather than a sibling (keeps a headline
    figure, such as a share's denominator, that a sibling would otherwise take with it)."""


def protect(
    counts: Mapping[K, int],
    equations: Iterable[Equation[K]],
    k: int,
    *,
    also_primary: Iterable[K] = (),
    exempt: Iterable[K] = (),
    follows: Mapping[K, K] | None = None,
    reluctant: Iterable[K] = (),
) -> dict[K, Cell]:
    """Suppress every count from 1 to k − 1, then hide more until no equation has exactly one hidden member.

    Counts are cells of any key (a unit's answers, a municipality's total, a gender's count); each
    equation says which published cells add up to which. Where one member of an equation is hidden
    it could be read off the others, so the smallest visible part is hidden as well (the total
    only when every part is already hidden). Repeated until stable; it always ends, since cells
    are only ever added to the hidden set. ``also_primary`` names cells that must be withheld for
    reasons of their own (a rating whose distribution has a small count, say; marked complementary
    unless small themselves); ``exempt`` names
    counts that are never withheld for being small themselves (the numerator of a share whose
    denominator reaches k), though they may still be hidden to protect another cell; ``follows``
    maps such a numerator to its denominator: it is hidden whenever the denominator is.
    ``reluctant`` names cells to pick as a complement only when no other part would do (a Vet inte
    count whose withholding would take a share with it).
    """
    equations = list(equations)
    never_small = set(exempt)
    small = {key for key, count in counts.items() if 0 < count < k and key not in never_small}
    primary = small | set(also_primary)
    hidden = set(primary)
    leaders = dict(follows or {})
    last_resort = set(reluctant)
    changed = True
    while changed:
        changed = False
        for follower, leader in leaders.items():
            if leader in hidden and follower not in hidden:
                hidden.add(follower)
                changed = True
        for equation in equations:
            members = (equation.total, *equation.parts)
            if sum(1 for m in members if m in hidden) != 1:
                continue
            visible = sorted(
                (part for part in set(equation.parts) if part not in hidden),
                key=lambda p: (p in last_resort, counts[p], str(p)),
            )
            if equation.hide_total_first and equation.total not in hidden:
                hidden.add(equation.total)
            else:
                hidden.add(visible[0] if visible else equation.total)
            changed = True
    return {
        key: (Cell(None, BELOW_K if key in small else COMPLEMENTARY) if key in hidden else Cell(count))
        for key, count in counts.items()
    }
