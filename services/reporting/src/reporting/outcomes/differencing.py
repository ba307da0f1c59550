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
their counts need not add up to the unit's. Where all the programmes' counts added up differ from
the unit's by 1 to k − 1 (participants counted twice, less those in no programme; for endings, the
interventions of no programme), every programme's section is withheld as well.
"""

from collections.abc import Iterable, Mapping
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


@dataclass(frozen=True)
class Member:
    programme: str | None
    year: int | None


def withheld(family: Mapping[Member, Mapping[Section, tuple[int, ...]]], requested: Member, k: int) -> set[Section]:
    """The sections of ``requested`` to withhold, given every member's unsuppressed counts.

    A section's counts are a tuple (a change row: participants, improved, unchanged, worse); a
    section a member does not have counts as zeros.
    """
    row = [m for m in family if m.programme == requested.programme]
    by_nesting = {m: _withheld_by_nesting(family, m, k) for m in row}
    return by_nesting[requested] | set(_hidden_by_years(family, requested, by_nesting, k))


def _withheld_by_nesting(
    family: Mapping[Member, Mapping[Section, tuple[int, ...]]], member: Member, k: int
) -> set[Section]:
    mine = family[member]
    out: set[Section] = set()
    candidates = [m for m in family if m != member and m.programme in (WHOLE_UNIT, member.programme)]
    for section in mine:
        outers = (m for m in candidates if _nested(member, m, section[0]))
        if any(_small_difference(mine[section], family[outer].get(section), k) for outer in outers):
            out.add(section)
    if member.programme not in (WHOLE_UNIT, ALL_PROGRAMMES):
        unit, programmes = Member(WHOLE_UNIT, member.year), Member(ALL_PROGRAMMES, member.year)
        if unit in family and programmes in family:
            out.update(s for s in mine if _small_difference(family[programmes].get(s, ()), family[unit].get(s), k))
        each = [m for m in family if m.year == member.year and m.programme not in (WHOLE_UNIT, ALL_PROGRAMMES)]
        if unit in family and len(each) > 1:
            out.update(
                s for s in mine if _small_difference(_added(family[m].get(s, ()) for m in each), family[unit].get(s), k)
            )
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


def _hidden_by_years(
    family: Mapping[Member, Mapping[Section, tuple[int, ...]]],
    requested: Member,
    by_nesting: Mapping[Member, set[Section]],
    k: int,
) -> Iterable[Section]:
    """Complementary suppression over years, count by count: all time is the sum of the years, so
    a year withheld (small, or by nesting) must not be all time minus the other years."""
    if requested.year is ALL_TIME:
        return []
    years = sorted(m.year for m in by_nesting if m.year is not None)
    members: dict[int | None, Member] = {y: Member(requested.programme, y) for y in (ALL_TIME, *years)}
    found = []
    for section in family[requested]:
        if section[0] not in ADDITIVE_OVER_YEARS:
            continue
        rows = {y: family.get(m, {}).get(section, ()) for y, m in members.items()}
        withheld_already = {y for y, m in members.items() if section in by_nesting.get(m, set())}
        for column in zip_longest(*rows.values(), fillvalue=0):
            cells = protect(
                dict(zip(rows, column, strict=True)),
                [Equation(ALL_TIME, tuple(years))],
                k,
                also_primary=withheld_already,
            )
            # A small count is withheld anyway. All time is another request's report: where only
            # it could protect a withheld year (every other year is 0), this year goes instead.
            chose_all_time = ALL_TIME not in withheld_already and cells[ALL_TIME].suppressed == COMPLEMENTARY
            if cells[requested.year].suppressed == COMPLEMENTARY or chose_all_time:
                found.append(section)
                break
    return found
