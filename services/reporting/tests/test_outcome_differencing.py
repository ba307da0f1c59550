"""Outcome reports of one unit set side by side: nothing withheld can be had by subtracting one
published report from another."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.outcomes.differencing import ALL_PROGRAMMES, ALL_TIME, WHOLE_UNIT, Member, Section, withheld

K = 5
UNIT, ALL = Member(WHOLE_UNIT, ALL_TIME), Member(ALL_PROGRAMMES, ALL_TIME)
PARTICIPANTS: Section = ("participants",)
ENDINGS: Section = ("endings",)
GOALS: Section = ("goals",)


def test_a_programme_that_is_almost_the_whole_unit_withholds_its_count_and_the_unit_keeps_its_own() -> None:
    hvb = Member("hvb", ALL_TIME)
    family = {UNIT: {PARTICIPANTS: (12,)}, ALL: {PARTICIPANTS: (12,)}, hvb: {PARTICIPANTS: (10,)}}
    assert withheld(family, hvb, K) == {PARTICIPANTS}  # 12 − 10 = 2 outside the programme
    assert withheld(family, UNIT, K) == set()
    family[UNIT] = {PARTICIPANTS: (15,)}
    family[ALL] = {PARTICIPANTS: (15,)}
    assert withheld(family, hvb, K) == set()  # five outside: k reached


def test_the_unit_minus_all_its_programmes_guards_every_programme() -> None:
    # Two disjoint programmes of ten each; the unit has 22: the two in neither would follow
    # from the three reports, though each programme alone is 12 short of the unit.
    a, b = Member("a", ALL_TIME), Member("b", ALL_TIME)
    family = _two_programmes(unit=22, together=20, a=10, b=10)
    assert withheld(family, a, K) == {PARTICIPANTS}
    assert withheld(family, b, K) == {PARTICIPANTS}


def test_a_year_close_to_all_time_is_withheld_and_all_time_is_not() -> None:
    y2026 = Member(WHOLE_UNIT, 2026)
    family = {UNIT: {ENDINGS: (9, 9, 0, 0, 0)}, Member(WHOLE_UNIT, 2025): {ENDINGS: (2, 2, 0, 0, 0)}}
    family[y2026] = {ENDINGS: (7, 7, 0, 0, 0)}
    assert ENDINGS in withheld(family, y2026, K)
    assert withheld(family, UNIT, K) == set()


def test_years_that_add_up_to_all_time_protect_a_small_one() -> None:
    # 2024: 10, 2025: 3 (withheld in its own report), 2026: 8; all time 21. All time minus
    # 2024 and 2026 would give 2025's 3: the smaller other year goes too.
    years = {2024: 10, 2025: 3, 2026: 8}
    family: dict[Member, dict[Section, tuple[int, ...]]] = {
        Member(WHOLE_UNIT, y): {("area", "i", "a", "baseline"): (n,)} for y, n in years.items()
    }
    family[UNIT] = {("area", "i", "a", "baseline"): (21,)}
    assert withheld(family, Member(WHOLE_UNIT, 2026), K) == {("area", "i", "a", "baseline")}
    assert withheld(family, Member(WHOLE_UNIT, 2024), K) == set()


def test_goals_rated_by_the_end_of_a_year_sit_inside_every_later_year() -> None:
    family = {
        UNIT: {GOALS: (20,)},
        Member(WHOLE_UNIT, 2025): {GOALS: (12,)},
        Member(WHOLE_UNIT, 2026): {GOALS: (14,)},
    }
    assert withheld(family, Member(WHOLE_UNIT, 2025), K) == {GOALS}  # 14 − 12 = 2 rated in 2026
    assert withheld(family, Member(WHOLE_UNIT, 2026), K) == set()  # 20 − 14 = 6


small_or_large = st.integers(0, 30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), small_or_large), min_size=1, max_size=8))
def test_no_published_pair_of_nested_reports_differs_by_fewer_than_k(groups: list[tuple[int, int, int]]) -> None:
    """Random groups of participants, each in programme p (0 = none) with endings in year y
    (0 = none): whatever two reports an analyst sets side by side, a published difference is 0 or ≥ k."""
    programmes = {WHOLE_UNIT: {0, 1, 2}, ALL_PROGRAMMES: {1, 2}, "p1": {1}, "p2": {2}}
    family = {}
    for name, kinds in programmes.items():
        for year in (ALL_TIME, 2025, 2026):
            ended = sum(n for p, y, n in groups if p in kinds and y and (year is None or y == year - 2024))
            family[Member(name, year)] = {ENDINGS: (ended,)}
    published = {
        m: (counts[ENDINGS][0] if counts[ENDINGS][0] == 0 or counts[ENDINGS][0] >= K else None)
        for m, counts in family.items()
        if m.programme != ALL_PROGRAMMES and ENDINGS not in withheld(family, m, K)
    }
    for inner, a in published.items():
        for outer, b in published.items():
            nested = outer.programme in (WHOLE_UNIT, inner.programme) and outer.year in (ALL_TIME, inner.year)
            if inner != outer and nested and a is not None and b is not None:
                assert not 0 < b - a < K, (inner, outer)
    # All time minus the other year never gives a withheld year away.
    for name in ("p1", "p2", WHOLE_UNIT):
        whole, y25, y26 = (published.get(Member(name, y)) for y in (ALL_TIME, 2025, 2026))
        one_year_withheld = (y25 is None) != (y26 is None)
        assert whole is None or not one_year_withheld, f"{name}: all time minus the other year"


def test_programmes_sharing_a_few_participants_withhold_what_their_sum_would_give_away() -> None:
    # Everyone is in a programme and one participant is in both: a + b − unit = that one.
    a, b = Member("a", ALL_TIME), Member("b", ALL_TIME)
    family = _two_programmes(unit=20, together=20, a=11, b=10)
    assert withheld(family, a, K) == withheld(family, b, K) == {PARTICIPANTS}
    assert withheld(family, UNIT, K) == set()
    family[a] = {PARTICIPANTS: (15,)}  # five in both: k reached
    assert withheld(family, a, K) == withheld(family, b, K) == set()


def test_the_endings_of_interventions_of_no_programme_are_not_the_unit_s_minus_the_programmes() -> None:
    family = {
        UNIT: {ENDINGS: (22,)},
        ALL: {ENDINGS: (22,)},
        Member("a", ALL_TIME): {ENDINGS: (10,)},
        Member("b", ALL_TIME): {ENDINGS: (10,)},
    }
    assert all(ENDINGS in withheld(family, Member(p, ALL_TIME), K) for p in "ab")  # 22 − 10 − 10 = 2
    family[UNIT] = family[ALL] = {ENDINGS: (25,)}
    assert not any(ENDINGS in withheld(family, Member(p, ALL_TIME), K) for p in "ab")


def test_a_year_with_nothing_is_not_the_complement_of_a_small_one() -> None:
    # The programme's 3 endings of 2025 are withheld. Its 2023 holds none, and withholding that 0
    # beside them would hide nothing (the unit's 2023 report shows 0, so the programme's is 0 too):
    # the 10 of 2024 are withheld instead.
    programme = {ALL_TIME: 23, 2023: 0, 2024: 10, 2025: 3, 2026: 10}
    unit = {ALL_TIME: 83, 2023: 0, 2024: 30, 2025: 23, 2026: 30}
    family = {}
    for year, ended in programme.items():
        family[Member("hvb", year)] = family[Member(ALL_PROGRAMMES, year)] = {ENDINGS: (ended,)}
        family[Member(WHOLE_UNIT, year)] = {ENDINGS: (unit[year],)}
    assert ENDINGS in withheld(family, Member("hvb", 2024), K)
    assert ENDINGS not in withheld(family, Member("hvb", 2023), K)
    assert ENDINGS not in withheld(family, Member("hvb", 2026), K)


def _two_programmes(*, unit: int, together: int, a: int, b: int) -> dict[Member, dict[Section, tuple[int, ...]]]:
    """All-time participant counts of the unit, of all programmes together and of programmes a and b."""
    return {
        UNIT: {PARTICIPANTS: (unit,)},
        ALL: {PARTICIPANTS: (together,)},
        Member("a", ALL_TIME): {PARTICIPANTS: (a,)},
        Member("b", ALL_TIME): {PARTICIPANTS: (b,)},
    }
