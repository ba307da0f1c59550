"""Statistical disclosure control: which counts may leave the system. Pure functions.

A count from fewer than ``k`` people is suppressed (primary suppression). When a suppressed
count could be worked out from a published total and its published siblings, the smallest
published sibling is suppressed as well (complementary suppression).
"""

import heapq
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
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


class EquationIndex(Generic[K]):
    """Which equations each cell is a member of (once per appearance), so that hiding a cell
    touches only its own equations. Built once for a set of equations and reusable across
    ``protect`` calls over the same equations."""

    def __init__(self, equations: Iterable[Equation[K]]) -> None:
        self.equations: list[Equation[K]] = list(equations)
        containing: dict[K, list[int]] = defaultdict(list)
        for i, equation in enumerate(self.equations):
            containing[equation.total].append(i)
            for part in equation.parts:
                containing[part].append(i)
        self.containing: dict[K, list[int]] = dict(containing)


def protect(
    counts: Mapping[K, int],
    equations: Iterable[Equation[K]] | EquationIndex[K],
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
    ``equations`` may be an ``EquationIndex`` already built for them (reused across calls).

    The result is that of sweeping the followers and then every equation in order, acting on each
    equation that has exactly one hidden member when its turn comes, until a sweep changes
    nothing; only the equations that can act in a sweep are visited (in order), found through
    the index and a count of hidden members per equation.
    """
    index = equations if isinstance(equations, EquationIndex) else EquationIndex(equations)
    never_small = set(exempt)
    small = {key for key, count in counts.items() if 0 < count < k and key not in never_small}
    sweeps = _Sweeps(index, small | set(also_primary), set(reluctant))
    leaders = dict(follows or {})
    changed = True
    while changed:
        changed = sweeps.follow(leaders)
        changed = sweeps.sweep(counts) or changed
    hidden = sweeps.hidden
    shown: dict[int, Cell] = {}
    below_k, complementary = Cell(None, BELOW_K), Cell(None, COMPLEMENTARY)
    result: dict[K, Cell] = {}
    for key, count in counts.items():
        if key in hidden:
            result[key] = below_k if key in small else complementary
        elif (cell := shown.get(count)) is not None:
            result[key] = cell
        else:
            result[key] = shown[count] = Cell(count)
    return result


class _Sweeps(Generic[K]):
    """The hidden cells, and per equation how many of its members (as often as they appear) are hidden."""

    def __init__(self, index: EquationIndex[K], hidden: set[K], last_resort: set[K]) -> None:
        self.index = index
        self.hidden = hidden
        self.last_resort = last_resort
        self.hidden_members: dict[int, int] = defaultdict(int)
        for key in hidden:
            for i in index.containing.get(key, ()):
                self.hidden_members[i] += 1
        self.ones = {i for i, n in self.hidden_members.items() if n == 1}
        """The equations with exactly one hidden member: those that act when their turn comes."""
        self.position = -1
        self.due: list[int] = []

    def hide(self, key: K) -> None:
        self.hidden.add(key)
        for i in self.index.containing.get(key, ()):
            n = self.hidden_members[i] + 1
            self.hidden_members[i] = n
            if n == 1:
                self.ones.add(i)
                if i > self.position:
                    heapq.heappush(self.due, i)
            elif n == 2:
                self.ones.discard(i)

    def _preference(self, counts: Mapping[K, int]) -> Callable[[K], tuple[bool, int, str]]:
        """The order in which visible parts are picked as a complement: the smallest first."""
        last_resort = self.last_resort
        return lambda part: (part in last_resort, counts[part], str(part))

    def follow(self, leaders: Mapping[K, K]) -> bool:
        changed = False
        for follower, leader in leaders.items():
            if leader in self.hidden and follower not in self.hidden:
                self.hide(follower)
                changed = True
        return changed

    def sweep(self, counts: Mapping[K, int]) -> bool:
        """One pass over the equations in order; an equation that comes to have one hidden member
        behind the current one waits for the next pass, as it would in a plain loop."""
        changed = False
        self.position = -1
        self.due = sorted(self.ones)
        while self.due:
            i = heapq.heappop(self.due)
            if self.hidden_members[i] != 1 or i <= self.position:
                continue
            self.position = i
            equation = self.index.equations[i]
            if equation.hide_total_first and equation.total not in self.hidden:
                target = equation.total
            else:
                visible = [part for part in set(equation.parts) if part not in self.hidden]
                target = min(visible, key=self._preference(counts)) if visible else equation.total
            if target not in self.hidden:
                self.hide(target)
                changed = True
        return changed
