"""Suppression of small counts, checked against tables worked out by hand."""

from reporting.disclosure import BELOW_K, COMPLEMENTARY, Cell, suppress_breakdown, suppress_total


def test_a_total_below_k_is_withheld_and_k_itself_is_shown() -> None:
    assert suppress_total(4, 5) == Cell(None, BELOW_K)
    assert suppress_total(5, 5) == Cell(5)


def test_nothing_is_withheld_when_every_count_reaches_k_or_is_zero() -> None:
    assert suppress_breakdown({"1": 12, "2": 5, "3": 0}, 17, 5) == {"1": Cell(12), "2": Cell(5), "3": Cell(0)}


def test_a_single_small_count_takes_the_smallest_other_count_with_it() -> None:
    # 3 could be read off as 20 - 10 - 7 if only it were hidden, so 7 goes too.
    cells = suppress_breakdown({"1": 10, "2": 7, "3": 3}, 20, 5)
    assert cells == {"1": Cell(10), "2": Cell(None, COMPLEMENTARY), "3": Cell(None, BELOW_K)}


def test_two_small_counts_protect_each_other() -> None:
    cells = suppress_breakdown({"1": 10, "2": 2, "3": 1}, 13, 5)
    assert cells == {"1": Cell(10), "2": Cell(None, BELOW_K), "3": Cell(None, BELOW_K)}


def test_every_cell_goes_when_the_total_is_below_k() -> None:
    assert suppress_breakdown({"1": 3, "2": 1}, 4, 5) == {"1": Cell(None, BELOW_K), "2": Cell(None, BELOW_K)}


def test_no_withheld_count_can_be_recovered_from_the_total_and_the_shown_ones() -> None:
    for counts in ({"a": 9, "b": 4}, {"a": 1, "b": 30, "c": 6}, {"a": 5, "b": 5, "c": 2, "d": 40}):
        total = sum(counts.values())
        cells = suppress_breakdown(counts, total, 5)
        hidden = [name for name, cell in cells.items() if cell.value is None]
        assert len(hidden) != 1, f"{counts}: one hidden cell equals the total minus the others"
