"""Statistical disclosure control: which counts may leave the system. Pure functions.

A count from fewer than ``k`` people is suppressed (primary suppression). When a suppressed
count could be worked out from a published total and its published siblings, the smallest
published sibling is suppressed as well (complementary suppression).

Inside, every withheld cell keeps why (``fewer than k`` is 1 to k − 1, ``complementary`` is not).
Outside, every withheld number carries the one mark ``WITHHELD`` (``published``): a reader who knew
which withheld counts are small could combine sums that each give nothing away into one that does
(docs/decisions.md). The cells are chosen for what a reader knows: of a withheld count, that it is
at least 1 (a 0 is never withheld to protect another, or a reader would read it as one), and of the
cells whose reason shows anyway (``told``), the reason. Where the withheld parts of a sum could only
be the least (1 each, k for a complement told, 0 for an exempt count) or, all of them small and
told, the most (k − 1 each), one more part is withheld.
"""

import heapq
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

BELOW_K = "fewer than k"
COMPLEMENTARY = "complementary"
WITHHELD = "withheld"
"""The one mark of a withheld number wherever it leaves the system, whatever the reason."""

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    value: int | None
    suppressed: str | None = None
    """Why the value is withheld: ``fewer than k`` or ``complementary``; None when shown."""


def published(reason: str | None) -> str | None:
    """The mark a number withheld for ``reason`` carries outside (None: shown)."""
    return None if reason is None else WITHHELD


def suppress_total(total: int, k: int) -> Cell:
    return Cell(total) if total >= k else Cell(None, BELOW_K)


class Bound(NamedTuple, Generic[K]):
    """A bound a reader knows of a cell while ``source`` is shown (an n bounds a response count)."""

    value: int
    source: K


class Equation(NamedTuple, Generic[K]):
    """``total`` is the sum of ``parts``: anyone who sees all but one of them can work out the last.

    A named tuple: a round's tables make hundreds of thousands of them."""

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
    told: Iterable[K] | None = None,
    floors: Mapping[K, Sequence[Bound[K]]] | None = None,
    ceilings: Mapping[K, Sequence[Bound[K]]] | None = None,
    label: Callable[[K], str] = str,
) -> dict[K, Cell]:
    """Suppress every count from 1 to k − 1, then hide more until no equation has exactly one hidden
    member and none has its small counts pinned by their marks (see the module's docstring).

    Counts are cells of any key (a unit's answers, a municipality's total, a gender's count); each
    equation says which published cells add up to which. Where one member of an equation is hidden
    it could be read off the others, so the smallest visible part that is not 0 is hidden as well
    (the total only when there is none). Repeated until stable; it always ends, since cells
    are only ever added to the hidden set. ``also_primary`` names cells that must be withheld for
    reasons of their own (the riket cell whose part outside an organisation is withheld, say;
    marked complementary unless small themselves); ``exempt`` names
    counts that are never withheld for being small themselves (the numerator of a share whose
    denominator reaches k), though they may still be hidden to protect another cell; ``follows``
    maps such a numerator to its denominator: it is hidden whenever the denominator is.
    ``reluctant`` names cells to pick as a complement only when no other part would do (a Vet inte
    count whose withholding would take a share with it). ``told`` names the cells whose reason a
    reader can tell (a question's n, whose answers are not listed when it is small); every cell's
    when None. Of the others a reader knows only that a withheld count is at least 1. ``floors`` and
    ``ceilings`` are bounds a reader knows of some cells from other cells, while those are shown (a
    response count is at least every question's n, an n at most the response count); a sum whose
    withheld total is bounded so is checked as well, a withheld member whose bounds meet counts as
    known, and where a sum is pinned with all its members withheld already, the cell a bound comes
    from is withheld. Of visible parts equally small, the one whose ``label`` sorts first is
    picked.
    ``equations`` may be an ``EquationIndex`` already built for them (reused across calls).

    The result is that of sweeping the followers and then every equation in order, acting on each
    equation that has exactly one hidden member or pinned small counts when its turn comes, until
    a sweep changes nothing; only the equations that can act in a sweep are visited (in order),
    found through the index and what each equation's hidden members add up to.
    """
    index = equations if isinstance(equations, EquationIndex) else EquationIndex(equations)
    never_small = set(exempt)
    small = {key for key, count in counts.items() if 0 < count < k and key not in never_small}
    sweeps = _Sweeps(
        index,
        counts,
        k,
        small=small,
        also_primary=also_primary,
        last_resort=set(reluctant),
        loose=never_small,
        told=None if told is None else set(told),
        floors=floors or {},
        ceilings=ceilings or {},
        label=label,
    )
    leaders = dict(follows or {})
    changed = True
    while changed:
        changed = sweeps.follow(leaders)
        changed = sweeps.sweep() or changed
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
    """The hidden cells and, per equation, how many of its members are hidden (as often as they
    appear), how many of its hidden parts are small, the least its hidden parts can add up to as a
    reader knows them, how many of them a reader can put no upper bound on, and what they add up
    to."""

    def __init__(
        self,
        index: EquationIndex[K],
        counts: Mapping[K, int],
        k: int,
        *,
        small: set[K],
        also_primary: Iterable[K],
        last_resort: set[K],
        loose: set[K],
        told: set[K] | None,
        floors: Mapping[K, Sequence[Bound[K]]],
        ceilings: Mapping[K, Sequence[Bound[K]]],
        label: Callable[[K], str],
    ) -> None:
        """``loose``: counts exempt from being small, so that a reader cannot take a withheld one to
        be 0 or at least k. ``told``: the cells whose reason a reader can tell (None: all).
        ``floors``, ``ceilings``: what a reader knows of some cells beyond that."""
        self.index = index
        self.counts = counts
        self.k = k
        self.small = small
        self.loose = loose
        self.told = told
        self.floors = floors
        self.ceilings = ceilings
        self.dependents: dict[K, set[K]] = defaultdict(set)
        """The cells bounded by each source."""
        for bounded, bounds in (*floors.items(), *ceilings.items()):
            for bound in bounds:
                self.dependents[bound.source].add(bounded)
        self.label = label
        self.last_resort = last_resort
        self.hidden: set[K] = set()
        self.hidden_members: dict[int, int] = defaultdict(int)
        self.hidden_small: dict[int, int] = defaultdict(int)
        self.hidden_floor: dict[int, int] = defaultdict(int)
        self.hidden_unbounded: dict[int, int] = defaultdict(int)
        self.hidden_ceiling: dict[int, int] = defaultdict(int)
        self.hidden_fixed: dict[int, int] = defaultdict(int)
        self.hidden_sum: dict[int, int] = defaultdict(int)
        self.acting: set[int] = set()
        """The equations that act when their turn comes."""
        self.position = -1
        self.due: list[int] = []
        for key in small.union(also_primary):
            self.hide(key)

    def bounds(self, key: K) -> tuple[int, int | None]:
        """What a reader knows of a withheld count: 1 to k − 1 when told it is small, k or more when
        told it is not, 1 or more when not told, 0 or more when loose; narrowed by what they know
        of it from elsewhere. None: no upper bound."""
        is_small, told = key in self.small, self.told is None or key in self.told
        floor = 0 if key in self.loose else 1 if is_small or not told else self.k
        ceiling = self.k - 1 if is_small and told else None
        for bound in self.floors.get(key, ()):
            if bound.source not in self.hidden:
                floor = max(floor, bound.value)
        for bound in self.ceilings.get(key, ()):
            if bound.source not in self.hidden:
                ceiling = bound.value if ceiling is None else min(ceiling, bound.value)
        return floor, ceiling

    def sources(self, key: K) -> list[K]:
        """The shown cells that bound ``key``."""
        bounds = (*self.floors.get(key, ()), *self.ceilings.get(key, ()))
        return [bound.source for bound in bounds if bound.source not in self.hidden]

    def hide(self, key: K) -> None:
        bounded = [(cell, self.bounds(cell)) for cell in self.dependents.get(key, ()) if cell in self.hidden]
        self.hidden.add(key)
        count, is_small = self.counts[key], key in self.small
        for i in self.index.containing.get(key, ()):
            self.hidden_members[i] += 1
            if key != self.index.equations[i].total:
                self.hidden_small[i] += is_small
                self.hidden_sum[i] += count
                self._count_bounds(i, self.bounds(key), +1)
            self._reconsider(i)
        # Withheld, it no longer bounds the cells it bounded.
        for cell, before in bounded:
            after = self.bounds(cell)
            if after != before:
                for i in self.index.containing.get(cell, ()):
                    if cell != self.index.equations[i].total:
                        self._count_bounds(i, before, -1)
                        self._count_bounds(i, after, +1)
                    self._reconsider(i)

    def _count_bounds(self, i: int, bounds: tuple[int, int | None], sign: int) -> None:
        floor, ceiling = bounds
        self.hidden_floor[i] += sign * floor
        if ceiling is None:
            self.hidden_unbounded[i] += sign
        else:
            self.hidden_ceiling[i] += sign * ceiling
            self.hidden_fixed[i] += sign * (floor == ceiling)

    def _reconsider(self, i: int) -> None:
        if self._acts(i):
            if i not in self.acting:
                self.acting.add(i)
                if i > self.position:
                    heapq.heappush(self.due, i)
        else:
            self.acting.discard(i)

    def _acts(self, i: int) -> bool:
        """One hidden member could be read off the others; or a hidden part is small and the hidden
        parts, within the bounds a reader knows (``bounds``), can add up to what the total (shown,
        or withheld within its own bounds) less the shown parts leaves them in one way only: each
        at its least, or each at its most. A withheld member whose bounds meet is as good as shown."""
        hidden_sum, total = self.hidden_sum[i], self.index.equations[i].total
        # What the hidden parts add up to, as a reader knows it: exactly, when the total is shown;
        # when it is withheld, its bounds less the shown parts.
        least: int = hidden_sum
        most: int | None = hidden_sum
        unknown = self.hidden_members[i] - self.hidden_fixed[i]
        if total in self.hidden:
            floor, ceiling = self.bounds(total)
            unknown -= floor == ceiling
            shown = self.counts[total] - hidden_sum
            least, most = floor - shown, None if ceiling is None else ceiling - shown
        if unknown == 1:
            return True
        if self.hidden_small[i] == 0:
            return False
        at_their_least = most is not None and most <= self.hidden_floor[i]
        at_their_most = self.hidden_unbounded[i] == 0 and least >= self.hidden_ceiling[i]
        return at_their_least or at_their_most

    def _preference(self) -> Callable[[K], tuple[bool, int, str]]:
        """The order in which visible parts are picked as a complement: the smallest first."""
        last_resort, counts, label = self.last_resort, self.counts, self.label
        return lambda part: (part in last_resort, counts[part], label(part))

    def follow(self, leaders: Mapping[K, K]) -> bool:
        changed = False
        for follower, leader in leaders.items():
            if leader in self.hidden and follower not in self.hidden:
                self.hide(follower)
                changed = True
        return changed

    def sweep(self) -> bool:
        """One pass over the equations in order; an equation that comes to act behind the current
        one waits for the next pass, as it would in a plain loop."""
        changed = False
        self.position = -1
        self.due = sorted(self.acting)
        while self.due:
            i = heapq.heappop(self.due)
            if i not in self.acting or i <= self.position:
                continue
            self.position = i
            equation = self.index.equations[i]
            if equation.hide_total_first and equation.total not in self.hidden:
                target = equation.total
            else:
                # A 0 hides nothing: a reader who knows a complement is never small would read it as 0.
                visible = [part for part in set(equation.parts) if part not in self.hidden and self.counts[part]]
                target = min(visible, key=self._preference()) if visible else equation.total
            if target in self.hidden:
                # Every member is withheld already: what pins them is a bound from outside the sum.
                sources = [s for member in (equation.total, *equation.parts) for s in self.sources(member)]
                target = min(sources, key=self._preference()) if sources else target
            if target not in self.hidden:
                self.hide(target)
                changed = True
        return changed
