"""The report's numbers against tables worked out by hand."""

import math

import pytest

from reporting.statistics import (
    Interval,
    Moments,
    Tally,
    area_index,
    difference_in_points,
    gas_t_score,
    median,
    roll_up,
    share_positive,
    summarise,
    t_quantile,
    wilson_interval,
)


def test_non_substantive_answers_leave_the_denominator() -> None:
    # 12 answers: 6 Mycket nöjd, 3 Ganska nöjd, 1 Ganska missnöjd, 2 Vet inte -> 9 of 10.
    share = share_positive(positive=9, answers=12, non_substantive=2)
    assert share is not None
    assert (share.positive, share.denominator, share.value) == (9, 10, 0.9)


def test_only_non_substantive_answers_give_no_share() -> None:
    assert share_positive(positive=0, answers=3, non_substantive=3) is None


def test_more_positive_than_substantive_answers_is_an_error() -> None:
    with pytest.raises(ValueError):
        share_positive(positive=5, answers=5, non_substantive=1)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),  # p = .8: centre .7167, half-width .2266
        (0, 10, 0.0, 0.2775),  # 0 %: the interval still has width, unlike Wald's
        (10, 10, 0.7225, 1.0),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_intervals(successes: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(successes, n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize(("df", "expected"), [(1, 12.706), (2, 4.303), (4, 2.776), (7, 2.365), (9, 2.262), (29, 2.045)])
def test_t_quantiles_match_the_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-3)


def test_mean_sd_and_t_interval_of_a_rating() -> None:
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations 32, variance 32/7, t(7) = 2.3646.
    summary = summarise(Moments.of([(2, 1), (4, 3), (5, 2), (7, 1), (9, 1)]))
    assert summary is not None and summary.interval is not None and summary.sd is not None
    assert summary.n == 8 and summary.mean == 5
    assert summary.sd == pytest.approx(math.sqrt(32 / 7))
    assert summary.interval.low == pytest.approx(5 - 2.3646 * math.sqrt(32 / 7) / math.sqrt(8), abs=1e-3)
    assert summary.interval.high == pytest.approx(6.788, abs=1e-3)


def test_a_single_rating_has_a_mean_but_no_spread() -> None:
    summary = summarise(Moments.of([(7, 1)]))
    assert summary is not None and (summary.mean, summary.sd, summary.interval) == (7, None, None)
    assert summarise(Moments()) is None


def test_moments_add_up_to_those_of_the_pooled_answers() -> None:
    a, b = Moments.of([(1, 2), (3, 1)]), Moments.of([(10, 3)])
    assert a + b == Moments.of([(1, 2), (3, 1), (10, 3)])


def test_roll_up_over_units_of_unequal_size_sums_numerators_and_denominators() -> None:
    small = Tally(answers=12, positive=9, non_substantive=2)  # 9 of 10 = 90 %
    large = Tally(answers=40, positive=10, non_substantive=0)  # 10 of 40 = 25 %
    pooled = roll_up([small, large]).share
    assert pooled is not None
    assert (pooled.positive, pooled.denominator) == (19, 50)
    assert pooled.value == 0.38  # not (90 + 25) / 2 = 57.5 %


def test_area_index_pools_the_answers_of_its_questions() -> None:
    # bemötande 18 of 20, respekt 6 of 10 (2 Vet inte): 24 of 30 = 80 %.
    index = area_index([Tally(20, 18, 0), Tally(12, 6, 2)])
    assert index is not None and index.value == pytest.approx(0.8)


def test_difference_in_points_flags_intervals_that_do_not_overlap() -> None:
    apart = difference_in_points(0.9, Interval(0.8, 0.95), 0.6, Interval(0.55, 0.65))
    assert (apart.points, apart.intervals_disjoint) == (30.0, True)
    close = difference_in_points(0.62, Interval(0.5, 0.72), 0.6, Interval(0.55, 0.65))
    assert (close.points, close.intervals_disjoint) == (2.0, False)
    unknown = difference_in_points(0.62, Interval(0.5, 0.72), 0.6, None)
    assert unknown.intervals_disjoint is False


@pytest.mark.parametrize(
    ("goals", "expected"),
    [
        ([(0, 1.0), (0, 1.0), (0, 1.0)], 50.0),  # every goal as expected
        ([(2, 1.0)], 70.0),  # one goal: √(0.7 + 0.3) = 1
        ([(1, 1.0), (1, 1.0), (2, 1.0)], 50 + 40 / math.sqrt(4.8)),  # √(0.7·3 + 0.3·9) = √4.8 -> 68.26
        ([(-1, 1.0), (-2, 1.0)], 50 - 30 / math.sqrt(2.6)),  # √(0.7·2 + 0.3·4) -> 31.39
        ([(2, 2.0), (-1, 1.0)], 50 + 30 / math.sqrt(6.2)),  # weights 2 and 1: √(0.7·5 + 0.3·9) -> 62.05
    ],
)
def test_gas_t_scores(goals: list[tuple[int, float]], expected: float) -> None:
    score = gas_t_score(goals)
    assert score == pytest.approx(expected)


def test_gas_t_score_of_the_hand_table() -> None:
    assert round(gas_t_score([(1, 1.0), (1, 1.0), (2, 1.0)]) or 0, 2) == 68.26
    assert round(gas_t_score([(2, 2.0), (-1, 1.0)]) or 0, 2) == 62.05
    assert gas_t_score([]) is None
    with pytest.raises(ValueError):
        gas_t_score([(3, 1.0)])


def test_median() -> None:
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 10]) == 3.5
    assert median([]) is None
