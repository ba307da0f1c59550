"""A round's tables: hand-worked figures, and (hypothesis) that nothing withheld can be worked out
from a published total and its published siblings, at any level."""

from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.disclosure import BELOW_K, COMPLEMENTARY, Cell
from reporting.survey_results.tabulation import LevelFigures, Question, QuestionFigures, UnitCounts, tabulate

K = 5
SATISFACTION = Question(
    link_id="bemotande",
    kind="choice",
    area="bemotande",
    order=("1", "2", "3", "4", "9"),
    positive=frozenset({"1", "2"}),
    non_substantive=frozenset({"9"}),
)
RESPECT = Question(
    link_id="respekt",
    kind="choice",
    area="bemotande",
    order=("1", "2", "3", "4", "9"),
    positive=frozenset({"1", "2"}),
    non_substantive=frozenset({"9"}),
)
RESPECT_REQUIRED = replace(RESPECT, always_answered=True)
RATING = Question(link_id="betyg", kind="rating", order=tuple(str(i) for i in range(1, 11)), numeric=True)


def _round(
    units: dict[str, UnitCounts], municipality: dict[str, str], questions: Sequence[Question] = (SATISFACTION, RESPECT)
) -> dict[tuple[str, str], LevelFigures]:
    groups: dict[tuple[str, str], list[str]] = {}
    for unit, code in municipality.items():
        groups.setdefault(("municipality", code), []).append(unit)
    groups[("round", "r")] = list(units)
    partitions = [(("round", "r"), [g for g in groups if g[0] == "municipality"])]
    return tabulate([*questions, RATING], units, groups, K, partitions=partitions)


def test_shares_and_roll_ups_from_summed_counts() -> None:
    units = {
        # 24 answers: 8 + 6 positive of 19 substantive (5 Vet inte) = 73.7 %
        "A": UnitCounts(24, {"bemotande": {"1": 8, "2": 6, "3": 5, "9": 5}, "respekt": {"1": 20, "3": 5}}),
        # 10 answers, all positive = 100 %
        "B": UnitCounts(10, {"bemotande": {"1": 5, "2": 5}, "respekt": {"1": 5, "2": 5}}),
    }
    figures = _round(units, {"A": "0580", "B": "0580"})
    a = figures[("unit", "A")].questions["bemotande"]
    assert a.n == Cell(24)
    assert a.share is not None and (a.share.positive, a.share.denominator) == (14, 19)
    municipality = figures[("municipality", "0580")].questions["bemotande"]
    assert municipality.share is not None
    assert (municipality.share.positive, municipality.share.denominator) == (24, 29)  # not (73.7 + 100) / 2
    # Area index: bemötande and respekt pooled, 24 + 30 positive of 29 + 35 substantive.
    index = figures[("municipality", "0580")].areas["bemotande"].index
    assert index is not None and (index.positive, index.denominator) == (54, 64)


def test_a_small_unit_is_withheld_and_a_sibling_goes_with_it() -> None:
    units = {
        "A": UnitCounts(24, {"bemotande": {"1": 12, "2": 12}}),
        "B": UnitCounts(3, {"bemotande": {"1": 3}}),
        "C": UnitCounts(8, {"bemotande": {"1": 8}}),
    }
    figures = _round(units, {"A": "0580", "B": "0580", "C": "0580"})
    assert figures[("unit", "B")].responses == Cell(None, BELOW_K)
    assert figures[("unit", "C")].responses == Cell(None, COMPLEMENTARY)
    assert figures[("unit", "A")].responses == Cell(24)
    assert figures[("municipality", "0580")].responses == Cell(35)
    assert figures[("unit", "B")].questions["bemotande"].share is None


def test_a_zero_never_protects_a_small_count() -> None:
    # 0580's 9 answers of "2" are A's 6, B's 0 and C's 3. Withholding B's 0 with C's 3 would leave
    # 9 − 6 = 3 to a count marked fewer than k and one marked complementary, which is 0 or at least
    # k: the 3 could be read off. A's 6 goes instead.
    units = {
        "A": UnitCounts(24, {"bemotande": {"1": 8, "2": 6, "3": 5, "9": 5}}),
        "B": UnitCounts(3, {"bemotande": {"1": 3}}),
        "C": UnitCounts(8, {"bemotande": {"1": 5, "2": 3}}),
    }
    figures = _round(units, {"A": "0580", "B": "0580", "C": "0580"}, questions=(SATISFACTION,))
    assert figures[("unit", "C")].questions["bemotande"].answers["2"] == Cell(None, BELOW_K)
    assert figures[("unit", "A")].questions["bemotande"].answers["2"] == Cell(None, COMPLEMENTARY)
    assert "2" not in figures[("unit", "B")].questions["bemotande"].answers


def test_the_shares_denominator_less_its_numerator_gives_no_small_answer_away() -> None:
    # Positive 2 + 9 of 17 substantive: with the 5 of "4" shown, 17 - 11 - 5 would be the 1 of "3".
    units = {"A": UnitCounts(24, {"bemotande": {"1": 2, "2": 9, "3": 1, "4": 5, "9": 7}})}
    figures = _round(units, {"A": "0580"}, questions=(SATISFACTION,))[("unit", "A")].questions["bemotande"]
    assert figures.answers["3"] == Cell(None, BELOW_K)
    shown = figures.answers["4"].value is not None
    assert not (shown and figures.share is not None), "the share and the 4s together give the 3s away"


def test_the_area_index_less_the_shown_answers_gives_no_small_answer_away() -> None:
    # Index 9 of 17: 17 - 9 = 8 answers of "3" or "4" in the area. Respekt has none, so with
    # bemötande's 7 of "3" shown, its "4" would be 8 - 7 = 1.
    units = {"A": UnitCounts(14, {"bemotande": {"1": 5, "3": 7, "4": 1, "9": 1}, "respekt": {"1": 1, "2": 3}})}
    figures = _round(units, {"A": "0580"}, (SATISFACTION, RESPECT))[("unit", "A")]
    assert figures.questions["bemotande"].answers["4"] == Cell(None, BELOW_K)
    shown = figures.questions["bemotande"].answers["3"].value is not None
    assert not (shown and figures.areas["bemotande"].index is not None)


def test_a_share_is_kept_where_withholding_an_answer_is_enough() -> None:
    # 3, 3 and 2 withheld as small beside the 8 of "4": the share 6 of 16 stays.
    units = {"A": UnitCounts(16, {"bemotande": {"1": 3, "2": 3, "3": 2, "4": 8}})}
    figures = _round(units, {"A": "0580"}, (SATISFACTION,))[("unit", "A")].questions["bemotande"]
    assert figures.answers["4"] == Cell(None, COMPLEMENTARY)
    assert figures.share is not None and (figures.share.positive, figures.share.denominator) == (6, 16)


def test_no_answers_are_listed_for_an_n_below_k() -> None:
    # Four answers listed under an n of at most 4 would each be 1.
    units = {"A": UnitCounts(8, {"bemotande": {"1": 8}, "respekt": {"2": 1, "3": 1, "4": 1, "9": 1}})}
    figures = _round(units, {"A": "0580"})[("unit", "A")].questions["respekt"]
    assert figures.n == Cell(None, BELOW_K)
    assert figures.answers == {}


def test_six_responses_to_a_required_item_with_one_vet_inte_keep_the_response_count() -> None:
    # n = 6 is the response count: 1 Vet inte and 5 substantive answers, both withheld. Told that
    # the 5 is not small (0 or at least k), a reader could split 6 only as 1 + 5, and the count of
    # 6 would have to go too; reports mark both alike, and 6 = x + y splits five ways.
    units = {"A": UnitCounts(6, {"bemotande": {"1": 3, "2": 1, "3": 1, "9": 1}})}
    required = (replace(SATISFACTION, always_answered=True),)
    figures = _round(units, {"A": "0580"}, required)[("unit", "A")]
    assert figures.questions["bemotande"].answers["9"] == Cell(None, BELOW_K)
    assert figures.questions["bemotande"].share is None
    assert figures.responses == Cell(6)


def test_a_small_vet_inte_count_hides_the_n_and_keeps_the_share() -> None:
    units = {"A": UnitCounts(14, {"bemotande": {"1": 6, "2": 6, "9": 2}})}
    figures = _round(units, {"A": "0580"})
    a = figures[("unit", "A")].questions["bemotande"]
    assert a.answers["9"] == Cell(None, BELOW_K)
    assert a.n.value is None  # n − 12 substantive would give the 2 Vet inte away
    assert a.share is not None and a.share.value == 1.0


def test_every_respondent_answered_yet_the_vet_inte_count_cannot_be_read_off_the_response_count() -> None:
    # 40 responses, all 40 answered: n is the response count, so publishing the share's
    # denominator (38) would give the 2 Vet inte away. An optional item hides its n instead,
    # since 40 − 38 could be skips; an item the questionnaire requires has no skips to hide behind.
    units = {"A": UnitCounts(40, {"bemotande": {"1": 20, "2": 10, "3": 8, "9": 2}})}
    optional = _round(units, {"A": "0580"})[("unit", "A")]
    assert optional.responses == Cell(40)
    assert optional.questions["bemotande"].n.value is None
    assert optional.questions["bemotande"].share is not None

    required = _round(units, {"A": "0580"}, (replace(SATISFACTION, always_answered=True),))[("unit", "A")]
    figures = required.questions["bemotande"]
    assert required.responses == Cell(40)
    assert figures.n == Cell(40)
    assert figures.answers["9"] == Cell(None, BELOW_K)
    assert figures.share is None and figures.share_suppressed == COMPLEMENTARY
    shown = [cell.value for cell in figures.answers.values() if cell.value is not None]
    assert len(shown) <= 1  # two of 1, 2, 3 would give the share's denominator back


def test_a_required_items_vet_inte_is_not_chosen_to_protect_another_answer() -> None:
    # "4" is small; Vet inte (5) is the smallest other answer, but withholding it would take the
    # share with it (n is the response count), so "3" is withheld instead.
    units = {"A": UnitCounts(90, {"bemotande": {"1": 30, "2": 40, "3": 12, "4": 3, "9": 5}})}
    figures = _round(units, {"A": "0580"}, (replace(SATISFACTION, always_answered=True),))[("unit", "A")]
    bemotande = figures.questions["bemotande"]
    assert bemotande.answers["4"] == Cell(None, BELOW_K)
    assert bemotande.answers["3"] == Cell(None, COMPLEMENTARY)
    assert bemotande.answers["9"] == Cell(5)
    assert bemotande.share is not None and (bemotande.share.positive, bemotande.share.denominator) == (70, 85)


def test_a_rating_shows_mean_and_spread_only_beside_its_whole_distribution() -> None:
    shown = _round({"A": UnitCounts(17, {"betyg": {"8": 6, "6": 11}})}, {"A": "0580"})[("unit", "A")]
    assert shown.questions["betyg"].moments is not None and shown.questions["betyg"].moments.n == 17
    assert shown.questions["betyg"].moments.total == pytest.approx(8 * 6 + 6 * 11)
    # With 6, 8 and 10 listed and n = 12, a mean and a spread would be three equations in their
    # three counts: the 1 of "10" could be solved for.
    withheld = _round({"B": UnitCounts(12, {"betyg": {"8": 6, "6": 5, "10": 1}})}, {"B": "0580"})[("unit", "B")]
    assert withheld.questions["betyg"].answers["10"] == Cell(None, BELOW_K)
    assert withheld.questions["betyg"].moments is None and withheld.questions["betyg"].mean_suppressed is not None


def test_riket_is_withheld_where_an_organisation_could_subtract_its_own_units() -> None:
    units = {
        "a1": UnitCounts(20, {"bemotande": {"1": 10, "2": 10}}),
        "a2": UnitCounts(12, {"bemotande": {"1": 12}}),
        "b1": UnitCounts(3, {"bemotande": {"1": 3}}),
    }
    groups = {("riket", "hvb"): ["a1", "a2", "b1"], ("outside", "a"): ["b1"], ("outside", "b"): ["a1", "a2"]}
    splits = [(("riket", "hvb"), ("outside", "a")), (("riket", "hvb"), ("outside", "b"))]
    riket = tabulate([SATISFACTION], units, groups, K, splits=splits)[("riket", "hvb")]
    # Organisation a knows its 32 responses: 35 would give b1's 3 away.
    assert riket.responses == Cell(None, COMPLEMENTARY)
    assert riket.questions["bemotande"].answers["2"] == Cell(10)  # b1 gave no "2": nothing to protect
    without_split = tabulate([SATISFACTION], units, groups, K)[("riket", "hvb")]
    assert without_split.responses == Cell(35)


answers = st.fixed_dictionaries(
    {
        link: st.dictionaries(st.sampled_from(["1", "2", "3", "4", "9"]), st.integers(0, 25))
        for link in ("bemotande", "respekt")
    }
)
unit = st.tuples(answers, st.sampled_from(["0580", "0581"]))


def _published(cell: Cell | None) -> bool:
    return cell is None or cell.value is not None  # an answer nobody gave is not listed: a published zero


def _answer(question: QuestionFigures, answer: str) -> Cell | None:
    """An answer as a reader sees it: one not listed is a published zero, except under an n withheld
    as fewer than k, where none is listed."""
    if question.n.suppressed == BELOW_K:
        return question.answers.get(answer, Cell(None, BELOW_K))
    return question.answers.get(answer)


def _only_one_hidden(cells: Sequence[Cell | None]) -> bool:
    return sum(1 for c in cells if not _published(c)) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(unit, min_size=1, max_size=5))
def test_nothing_withheld_can_be_recovered_at_any_level(drawn: list[tuple[dict[str, dict[str, int]], str]]) -> None:
    units = {f"u{i}": _with_respekt_required(answers) for i, (answers, _) in enumerate(drawn)}
    municipality = {f"u{i}": code for i, (_, code) in enumerate(drawn)}
    figures = _round(units, municipality, (SATISFACTION, RESPECT_REQUIRED))
    groups: dict[tuple[str, str], list[str]] = {("round", "r"): list(units)}
    for u, code in municipality.items():
        groups.setdefault(("municipality", code), []).append(u)
    problems = [
        *(p for group, members in groups.items() for p in _across_units(figures, group, members, units)),
        *(p for level, level_figures in figures.items() for p in _within_level(level, level_figures)),
    ]
    assert problems == []


def _with_respekt_required(answers: dict[str, dict[str, int]]) -> UnitCounts:
    """Bemötande may be skipped; every response answers respekt (topped up with "3" answers)."""
    responses = max(sum(a.values()) for a in answers.values())
    respekt = dict(answers["respekt"])
    respekt["3"] = respekt.get("3", 0) + responses - sum(respekt.values())
    return UnitCounts(responses, {"bemotande": answers["bemotande"], "respekt": respekt})


def _across_units(
    figures: dict[tuple[str, str], LevelFigures],
    group: tuple[str, str],
    members: list[str],
    units: dict[str, UnitCounts],
) -> list[str]:
    """A unit's cell from its roll-up's cell and the other units' cells."""
    total = figures[group]
    parts = [figures[("unit", u)] for u in members]
    problems = []
    if _only_one_hidden([total.responses, *(p.responses for p in parts)]):
        problems.append(f"responses of a unit in {group}")
    for q in ("bemotande", "respekt"):
        if _only_one_hidden([total.questions[q].n, *(p.questions[q].n for p in parts)]):
            problems.append(f"{q} n of a unit in {group}")
        for a in "12349":
            cells = [_answer(total.questions[q], a), *(_answer(p.questions[q], a) for p in parts)]
            hidden = [u for u, cell in zip(members, cells[1:], strict=True) if not _published(cell)]
            if hidden == [u for u in hidden if not units[u].answers[q].get(a)] and _published(cells[0]):
                continue  # a 0 worked out (no answer is listed under an n below k) gives no count away
            if _only_one_hidden(cells):
                problems.append(f"{q}={a} of a unit in {group}")
    return problems


def _within_level(level: tuple[str, str], figures: LevelFigures) -> list[str]:
    """An answer from its question's n or share; a question's share from its area's index."""
    problems = []
    for q, question in figures.questions.items():
        if _published(question.n) and _only_one_hidden([_answer(question, a) for a in "12349"]):
            problems.append(f"{q} answer at {level} from its n")
        if question.share is not None:
            if _only_one_hidden([_answer(question, a) for a in "12"]):
                problems.append(f"{q} positive answer at {level} from the share")
            if _only_one_hidden([_answer(question, a) for a in "1234"]):
                problems.append(f"{q} substantive answer at {level} from the share's denominator")
            if _published(question.n) and not _published(_answer(question, "9")):
                problems.append(f"{q} Vet inte at {level} from n minus the share's denominator")
    respekt = figures.questions["respekt"]
    if _published(figures.responses):
        if respekt.share is not None and not _published(_answer(respekt, "9")):
            problems.append(f"respekt Vet inte at {level} from the responses minus the share's denominator")
        if _only_one_hidden([_answer(respekt, a) for a in "12349"]):
            problems.append(f"a respekt answer at {level} from the responses")
    elif _published(respekt.n):
        problems.append(f"responses at {level} from respekt's n")
    withheld = [figures.questions[q].share_suppressed is not None for q in ("bemotande", "respekt")]
    if figures.areas["bemotande"].index is not None and sum(withheld) == 1:
        problems.append(f"a question's share at {level} from the area index")
    return problems


@pytest.mark.parametrize(
    "b_answers",
    [
        {"1": 3, "2": 2},  # B's n of 5: B's response count is not small, so at least 5 of A + B = 6
        {"4": 4, "3": 2},  # B's n of 6: B's response count is at least 6 of A + B = 7
    ],
)
def test_a_response_count_is_at_least_every_n_a_reader_sees(b_answers: dict[str, int]) -> None:
    # With the municipality's count shown, A's withheld one would be at most 1, so 1.
    units = {
        "A": UnitCounts(1, {"bemotande": {"9": 1}}),
        "B": UnitCounts(sum(b_answers.values()), {"bemotande": b_answers}),
    }
    figures = _round(units, {"A": "0580", "B": "0580"}, questions=(SATISFACTION,))
    assert figures[("unit", "A")].responses == Cell(None, BELOW_K)
    b, total = figures[("unit", "B")], figures[("municipality", "0580")].responses.value
    assert b.responses.value is None
    # What a reader knows of B's count: k or more, and at least its n when shown.
    b_at_least = max(K, b.questions["bemotande"].n.value or 0)
    assert total is None or total - b_at_least > 1, "A's count would be read off"


def test_answers_under_a_small_n_are_read_as_small() -> None:
    # A's and B's n of 4 list no answers, so each of their answers is at most 4: the municipality's
    # 8 of "3" would make them 4 and 4.
    units = {
        "A": UnitCounts(4, {"bemotande": {"3": 4}}),
        "B": UnitCounts(4, {"bemotande": {"3": 4}}),
        "C": UnitCounts(10, {"bemotande": {"1": 5, "4": 5}}),
    }
    figures = _round(units, {"A": "0580", "B": "0580", "C": "0580"}, questions=(SATISFACTION,))
    assert figures[("unit", "A")].questions["bemotande"].answers == {}
    assert figures[("municipality", "0580")].questions["bemotande"].answers["3"].value is None


def test_an_n_is_at_most_the_response_count() -> None:
    # 12 responses and a share of 11 of 11 shown: the n, withheld, is at most 12, so the withheld
    # Vet inte listed beside it (at least 1) would be 1.
    units = {"A": UnitCounts(12, {"bemotande": {"1": 6, "2": 5, "9": 1}})}
    figures = _round(units, {"A": "0580"}, questions=(SATISFACTION,))[("unit", "A")]
    question = figures.questions["bemotande"]
    assert question.answers["9"] == Cell(None, BELOW_K)
    assert figures.responses == Cell(12)
    assert question.share is None


def test_a_withheld_n_known_exactly_from_its_bounds_counts_as_shown() -> None:
    # u0's n lists answers (so at least 5) beside 5 responses (so at most 5): it is 5, and the
    # municipality's n of 8 would leave u2's withheld 3.
    units = {
        "u0": UnitCounts(5, {"bemotande": {"1": 2, "3": 2, "4": 1}}),
        "u2": UnitCounts(5, {"bemotande": {"1": 2, "4": 1}}),
    }
    figures = _round(units, {"u0": "0580", "u2": "0580"}, questions=(SATISFACTION,))
    u0, u2 = figures[("unit", "u0")], figures[("unit", "u2")]
    assert u2.questions["bemotande"].n == Cell(None, BELOW_K)
    u0_known = u0.questions["bemotande"].n.value is not None or (
        u0.questions["bemotande"].answers and u0.responses.value == K
    )
    assert not (u0_known and figures[("municipality", "0580")].questions["bemotande"].n.value is not None)


def test_a_sum_pinned_with_all_its_members_withheld_takes_the_bound_it_rests_on() -> None:
    # Five options listed, each at least 1, under an n of at most 5 responses: each would be 1.
    units = {"A": UnitCounts(5, {"bemotande": {"1": 1, "2": 1, "3": 1, "4": 1, "9": 1}})}
    figures = _round(units, {"A": "0580"}, questions=(SATISFACTION,))[("unit", "A")]
    assert len(figures.questions["bemotande"].answers) == 5
    assert figures.responses.value is None
