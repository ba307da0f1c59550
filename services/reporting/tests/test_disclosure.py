"""Suppression of a lone total, checked by hand (tables of counts: test_disclosure_properties)."""

from reporting.disclosure import BELOW_K, Cell, suppress_total


def test_a_total_below_k_is_withheld_and_k_itself_is_shown() -> None:
    assert suppress_total(4, 5) == Cell(None, BELOW_K)
    assert suppress_total(5, 5) == Cell(5)
