"""Change from baseline, worked out by hand."""

from datetime import date

from reporting.outcomes.change import Change, Scored, changes, verdict

JAN, APR, JUL = date(2026, 1, 10), date(2026, 4, 10), date(2026, 7, 10)


def test_the_first_baseline_and_the_latest_later_assessment_by_the_same_rater() -> None:
    scores = [
        Scored("p1", "baseline", "self", JAN, 4),
        Scored("p1", "follow_up", "staff", JUL, 9),  # another rater: not compared with a self-rating
        Scored("p1", "follow_up", "self", APR, 5),
        Scored("p1", "exit", "self", JUL, 7),
        Scored("p2", "follow_up", "self", APR, 6),  # no baseline: not counted
        Scored("p3", "baseline", "self", JAN, 3),  # no later assessment: not counted
    ]
    assert changes(scores) == [Change("p1", 4, 7)]
    assert changes(scores, period_to=APR) == [Change("p1", 4, 5)]
    assert changes(scores, period_from=date(2026, 8, 1)) == []


def test_improved_and_worse_respect_the_direction_and_the_threshold() -> None:
    up, down, small = Change("p", 4, 6), Change("p", 6, 4), Change("p", 4, 4.5)
    assert verdict(up, threshold=1, higher_is_better=True) == "improved"
    assert verdict(down, threshold=1, higher_is_better=True) == "worse"
    assert verdict(small, threshold=1, higher_is_better=True) == "unchanged"
    # 0–4 self-ratings of problems: lower is better.
    assert verdict(up, threshold=1, higher_is_better=False) == "worse"
    assert verdict(down, threshold=1, higher_is_better=False) == "improved"
    assert verdict(up, threshold=3, higher_is_better=True) == "unchanged"
