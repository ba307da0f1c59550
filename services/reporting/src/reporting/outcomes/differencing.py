"""Which sections of an outcome report to withhold because another report of the same unit could
be subtracted from it. Pure functions, no I/O.

A unit's outcome reports form a fixed family: the whole unit or one programme, for all time or one
calendar year. Two members nest when one's participants or assessments are all among the other's:
a programme's inside the unit's, a year's inside all time, and the goals rated by the end of one
year inside those rated by the end of a later one. The years' assessments and endings also add up
to all time. Where subtracting the inner member of a nested pair from the outer, or the other years
from all time, would single out 1 to k − 1 participants or assessments, the narrower report's
section is withheld (the unit's whole report, and all time, stay as they are); and every programme's
section is withheld where the unit minus all its programmes together would.

Programmes may share participants (one who moved from a placement to aftercare is in both), so
their participants, assessments and goals need not add up to the unit's. Where the programmes'
counts added up differ from the unit's by 1 to k − 1 (those counted twice, less those in no
programme), every programme's section is withheld. Their endings always add up to the unit's (each
intervention is of one programme), so those get complementary suppression over the programmes, as
over the years.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import zip_longest

from reporting.disclosure import COMPLEMENTARY, Equation, protect

WHOLE_UNIT = None
ALL_TIME = None
ALL_PROGRAMMES = "*"
"""The participants of every programme together: the complement of 'no programme'."""

Section = tuple[str, ...]
"""``("participants",)``, ``("goals",)``, ``("endings",)``, ``("change", instrument, area)`` or
``("area", instrument, area, occasion)``."""
ADDITIVE_OVER_YEARS = frozenset({"area", "endings"})
"""Sections whose counts for the years add up to all time (each assessment or ending has one date)."""
CUMULATIVE_OVER_YEARS = frozenset({"goals"})
"""Sections that hold everything up to the end of the year: a year's sit inside every later year's."""
ADDITIVE_OVER_PROGRAMMES = frozenset({"endings"})
"""Sections whose counts for the programmes, and for the interventions of no programme, add up to the
unit's (each intervention is of one programme or of none)."""
WITHOUT_PROGRAMME = "without a programme"
"""The interventions of no programme: no report of their own, but the unit's minus the programmes'."""


@dataclass(frozen=True)
class Member:
    programme: str | None
    year: int | None


def withheld(family: Mapping[Member, Mapping[Section, tuple[int, ...]]], requested: Member, k: int) -> set[Section]:
    """The sections of ``requested`` to withhold, given every member's unsuppressed counts.

    A section's counts are a tuple (a change row: participants, improved, unchanged, worse); a
    section a member does not have counts as zeros.
    """
    by_nesting = {m: _withheld_by_nesting(family, m, k) for m in family if m.programme != ALL_PROGRAMMES}
    return by_nesting[requested] | set(_hidden_by_sums(family, requested, by_nesting, k))


def _withheld_by_nesting(
    family: Mapping[Member, Mapping[Section, tuple[int, ...]]], member: Member, k: int
) -> set[Section]:
    mine = family[member]
    out: set[Section] = set()
    for section in mine:
        outers = (m for m in family if m != member and _nested(member, m, section[0]))
        if any(_small_difference(mine[section], family[outer].get(section), k) for outer in outers):
            out.add(section)
    if member.programme not in (WHOLE_UNIT, ALL_PROGRAMMES):
        unit, programmes = Member(WHOLE_UNIT, member.year), Member(ALL_PROGRAMMES, member.year)
        if unit in family and programmes in family:
            out.update(s for s in mine if _small_difference(family[programmes].get(s, ()), family[unit].get(s), k))
        each = [m for m in family if m.year == member.year and m.programme not in (WHOLE_UNIT, ALL_PROGRAMMES)]
        if unit in family and len(each) > 1:
            for section in mine:
                if section[0] in ADDITIVE_OVER_PROGRAMMES:
                    continue  # they add up exactly: complementary suppression, in _hidden_by_sums
                if _small_difference(_added(family[m].get(section, ()) for m in each), family[unit].get(section), k):
                    out.add(section)
    return out


def _nested(inner: Member, outer: Member, kind: str) -> bool:
    """Everything ``inner`` counts in a section of this kind, ``outer`` counts too."""
    if ALL_PROGRAMMES in (inner.programme, outer.programme):
        return False
    if outer.programme not in (WHOLE_UNIT, inner.programme):
        return False
    if outer.year in (ALL_TIME, inner.year):
        return True
    return kind in CUMULATIVE_OVER_YEARS and inner.year is not None and inner.year < outer.year


def _added(counts: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    """Counts added up position by position (a shorter tuple counts as zeros)."""
    return tuple(map(sum, zip_longest(*counts, fillvalue=0)))


def _small_difference(a: tuple[int, ...], b: tuple[int, ...] | None, k: int) -> bool:
    return any(0 < abs(x - y) < k for x, y in zip_longest(a, b or (), fillvalue=0))


def _hidden_by_sums(
    family: Mapping[Member, Mapping[Section, tuple[int, ...]]],
    requested: Member,
    by_nesting: Mapping[Member, set[Section]],
    k: int,
) -> Iterable[Section]:
    """Complementary suppression, count by count, over the sums the family's reports make: all time
    is the sum of the years, and the unit's endings the sum of its programmes'. A member withheld
    (small, or by nesting) must not be the total minus the other members. The unit's whole report is
    never withheld for the others' sake; the programmes are in the family only when one of theirs is
    asked for (``outcomes.service._family``)."""
    if requested == Member(WHOLE_UNIT, ALL_TIME):
        return []
    years = sorted({m.year for m in family if m.year is not None})
    programmes = sorted({m.programme for m in family if m.programme not in (WHOLE_UNIT, ALL_PROGRAMMES)})
    found = []
    for section in family[requested]:
        equations: list[Equation[Hashable]] = []
        if section[0] in ADDITIVE_OVER_YEARS and years:
            equations += [
                Equation(Member(p, ALL_TIME), tuple(Member(p, y) for y in years)) for p in (WHOLE_UNIT, *programmes)
            ]
        counts: dict[Hashable, tuple[int, ...]] = {}
        if section[0] in ADDITIVE_OVER_PROGRAMMES and programmes:
            for y in (ALL_TIME, *years):
                added = _added(family.get(Member(p, y), {}).get(section, ()) for p in programmes)
                unit = family.get(Member(WHOLE_UNIT, y), {}).get(section, ())
                rest = (WITHOUT_PROGRAMME, y)
                counts[rest] = tuple(u - a for u, a in zip_longest(unit, added, fillvalue=0))
                parts: tuple[Hashable, ...] = (*(Member(p, y) for p in programmes), rest)
                equations.append(Equation(Member(WHOLE_UNIT, y), parts))
        if not equations:
            continue
        for equation in equations:
            for m in (equation.total, *equation.parts):
                counts.setdefault(m, family.get(m, {}).get(section, ()) if isinstance(m, Member) else ())
        withheld_already = {m for m in counts if isinstance(m, Member) and section in by_nesting.get(m, set())}
        for column in zip_longest(*counts.values(), fillvalue=0):
            protected = protect(
                dict(zip(counts, column, strict=True)),
                equations,
                k,
                also_primary=withheld_already,
                # No report shows them, so withholding them would protect nothing.
                reluctant=[m for m in counts if not isinstance(m, Member)],
            )
            if protected[requested].suppressed == COMPLEMENTARY:  # a small count is withheld anyway
                found.append(section)
                break
    return found
