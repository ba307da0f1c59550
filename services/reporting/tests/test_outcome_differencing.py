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
    family = {
        UNIT: {PARTICIPANTS: (22,)},
        ALL: {PARTICIPANTS: (20,)},
        a: {PARTICIPANTS: (10,)},
        b: {PARTICIPANTS: (10,)},
    }
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
    family = {Member(WHOLE_UNIT, y): {("area", "i", "a", "baseline"): (n,)} for y, n in years.items()}
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
    family = {
        UNIT: {PARTICIPANTS: (20,)},
        ALL: {PARTICIPANTS: (20,)},
        a: {PARTICIPANTS: (11,)},
        b: {PARTICIPANTS: (10,)},
    }
    assert withheld(family, a, K) == withheld(family, b, K) == {PARTICIPANTS}
    assert withheld(family, UNIT, K) == set()
    family[a] = {PARTICIPANTS: (15,)}  # five in both: k reached
    assert withheld(family, a, K) == withheld(family, b, K) == set()


def test_a_small_programme_s_endings_are_not_the_unit_s_minus_the_other_programmes() -> None:
    # 3 endings in a (withheld in its own report, below k), 8 in b, 9 in c; the unit's 20 are theirs
    # together, so the smallest other programme's are withheld as well.
    counts = {"a": 3, "b": 8, "c": 9}
    family = {Member(p, ALL_TIME): {ENDINGS: (n,)} for p, n in counts.items()}
    family |= {UNIT: {ENDINGS: (20,)}, ALL: {ENDINGS: (20,)}}
    assert ENDINGS in withheld(family, Member("b", ALL_TIME), K)
    assert ENDINGS not in withheld(family, Member("c", ALL_TIME), K)
    # Two endings of interventions of no programme: the unit minus the three programmes gives them.
    family = {p: {ENDINGS: (n + 5,)} for p, (n,) in ((m, c[ENDINGS]) for m, c in family.items() if m.programme)}
    family |= {UNIT: {ENDINGS: (8 + 13 + 14 + 2,)}, ALL: {ENDINGS: (37,)}}
    assert sum(ENDINGS in withheld(family, Member(p, ALL_TIME), K) for p in counts) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "p1", "p2", "p3"]), small_or_large), min_size=1, max_size=6))
def test_no_programme_s_withheld_endings_follow_from_the_unit_and_the_others(groups: list[tuple[str, int]]) -> None:
    """Interventions of programme p ("" for none) with n endings each: the unit's endings are the sum
    of the programmes' and those of none; among the parts an analyst cannot see (withheld, or the
    interventions of no programme, when small), never exactly one is hidden."""
    ended = {p: sum(n for q, n in groups if q == p) for p in ("", "p1", "p2", "p3")}
    unit = sum(ended.values())
    family = {Member(p, ALL_TIME): {ENDINGS: (ended[p],)} for p in ("p1", "p2", "p3")}
    family |= {UNIT: {ENDINGS: (unit,)}, ALL: {ENDINGS: (unit,)}}
    hidden = [p for p in ("p1", "p2", "p3") if 0 < ended[p] < K or ENDINGS in withheld(family, Member(p, ALL_TIME), K)]
    rest_hidden = 0 < ended[""] < K
    assert len(hidden) + rest_hidden != 1 or (len(hidden) == 1 and ended[hidden[0]] == 0), (ended, hidden)
