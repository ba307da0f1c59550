"""Breakdowns by kön and åldersgrupp: shown whole or not at all, and never one unknown short of a
published roll-up."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.disclosure import Equation, protect
from reporting.survey_results.breakdowns import Tally, Topic, shown_breakdowns
from reporting.survey_results.service import _tallies
from reporting.survey_results.tabulation import Level, Question

K = 5
TOPIC: Topic = ("bemotande", "kon")
X, Y, MUNICIPALITY = ("unit", "X"), ("unit", "Y"), ("municipality", "0580")


def _sum(*tallies: Tally) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for tally in tallies:
        for group, (positive, n) in tally.items():
            p, m = out.get(group, (0, 0))
            out[group] = (p + positive, m + n)
    return out


def test_a_unit_with_a_small_group_takes_a_sibling_with_it_where_the_roll_up_is_shown() -> None:
    x = {"K": (2, 3), "M": (6, 10)}  # three women: withheld
    y = {"K": (7, 10), "M": (8, 12)}
    tallies = {X: {TOPIC: x}, Y: {TOPIC: y}, MUNICIPALITY: {TOPIC: _sum(x, y)}}
    shown = shown_breakdowns(tallies, [(MUNICIPALITY, [X, Y])], K)
    # The municipality's 13 women minus Y's 10 would give X's 3 away: Y's breakdown goes too.
    assert shown == {(MUNICIPALITY, TOPIC)}


def test_every_group_reaching_k_is_shown_and_a_withheld_share_takes_its_breakdown() -> None:
    x = {"K": (5, 8), "M": (6, 10), "none": (4, 5)}
    tallies = {X: {TOPIC: x}, MUNICIPALITY: {TOPIC: x}}
    assert shown_breakdowns(tallies, [(MUNICIPALITY, [X])], K) == {(X, TOPIC), (MUNICIPALITY, TOPIC)}
    assert shown_breakdowns(tallies, [(MUNICIPALITY, [X])], K, withheld_shares=[(X, "bemotande")]) == set()


group_sizes = st.fixed_dictionaries({g: st.integers(0, 14) for g in ("K", "M", "none")})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(group_sizes, st.sampled_from(["0580", "0581"])), min_size=1, max_size=6))
def test_no_group_of_a_withheld_breakdown_follows_from_a_shown_roll_up(
    drawn: list[tuple[dict[str, int], str]],
) -> None:
    units: dict[Level, Tally] = {
        ("unit", f"u{i}"): {g: (n // 2, n) for g, n in s.items() if n} for i, (s, _) in enumerate(drawn)
    }
    groups: dict[Level, list[Level]] = {}
    for i, (_, code) in enumerate(drawn):
        groups.setdefault(("municipality", code), []).append(("unit", f"u{i}"))
    tallies: dict[Level, dict[Topic, Tally]] = {u: {TOPIC: t} for u, t in units.items() if t}
    for level, members in groups.items():
        summed = _sum(*(units[m] for m in members))
        if summed:
            tallies[level] = {TOPIC: summed}
    round_members = list(groups)
    tallies[("round", "r")] = {TOPIC: _sum(*(t[TOPIC] for lvl, t in tallies.items() if lvl[0] == "municipality"))}
    roll_ups = {**groups, ("round", "r"): round_members}
    # The main table's own protection of the share's denominator, as tabulation does it.
    denominators = {level: sum(n for _, n in t[TOPIC].values()) for level, t in tallies.items()}
    main = protect(
        denominators,
        [
            Equation(total, tuple(p for p in parts if p in denominators))
            for total, parts in roll_ups.items()
            if total in denominators
        ],
        K,
    )
    withheld_shares = {(level, "bemotande") for level, cell in main.items() if cell.value is None}
    shown = shown_breakdowns(tallies, roll_ups.items(), K, withheld_shares=withheld_shares)

    def known(level: Level) -> bool:
        """Its groups are public: shown, or a single group that is the published share's denominator."""
        tally = tallies.get(level, {}).get(TOPIC, {})
        return (level, TOPIC) in shown or (len(tally) <= 1 and (level, "bemotande") not in withheld_shares)

    for total, parts in [*groups.items(), (("round", "r"), round_members)]:
        members = [total, *parts]
        assert sum(1 for m in members if not known(m)) != 1, (total, parts)
    for level, by_topic in tallies.items():
        if (level, TOPIC) in shown:
            assert all(n >= K for _, n in by_topic[TOPIC].values())


def test_responses_are_tallied_by_background_answer_and_vet_inte_left_out() -> None:
    satisfaction = Question("bemotande", positive=frozenset({"1", "2"}), non_substantive=frozenset({"9"}))
    background = [Question("kon", kind="background_gender"), Question("alder", kind="background_age")]
    responses = [
        {"bemotande": "1", "kon": "K", "alder": "a"},
        {"bemotande": "3", "kon": "K", "alder": "b"},
        {"bemotande": "9", "kon": "K", "alder": "a"},  # Vet inte: in no group's n
        {"bemotande": "2", "alder": "a"},  # kön left out
        {"kon": "M", "alder": "b"},  # bemötande left out
    ]
    tallies = _tallies(responses, [satisfaction], background)
    assert tallies == {
        ("bemotande", "kon"): {"K": (1, 2), "none": (1, 1)},
        ("bemotande", "alder"): {"a": (2, 2), "b": (0, 1)},
    }
