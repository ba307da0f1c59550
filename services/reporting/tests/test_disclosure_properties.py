"""Property tests: whatever the unit sizes and answer mixes, no withheld count can be worked out
from a published total and its published siblings."""

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.disclosure import BELOW_K, Cell, Equation, protect

K = 5
Key = TypeVar("Key", bound=Hashable)
ANSWERS = ("1", "2", "3", "4", "9")

unit_answers = st.dictionaries(st.sampled_from(ANSWERS), st.integers(0, 30), min_size=1)
municipality = st.lists(unit_answers, min_size=1, max_size=6)


def _table(units: list[dict[str, int]]) -> tuple[dict[tuple[str, str], int], list[Equation[tuple[str, str]]]]:
    """Units' answer counts, their n, the municipality's answer counts and its n, and how they add up."""
    counts: dict[tuple[str, str], int] = {}
    equations: list[Equation[tuple[str, str]]] = []
    for i, answers in enumerate(units):
        unit = f"u{i}"
        for answer in ANSWERS:
            counts[(unit, answer)] = answers.get(answer, 0)
        counts[(unit, "n")] = sum(answers.values())
        equations.append(Equation((unit, "n"), tuple((unit, a) for a in ANSWERS)))
    for answer in (*ANSWERS, "n"):
        counts[("all", answer)] = sum(counts[(f"u{i}", answer)] for i in range(len(units)))
        equations.append(Equation(("all", answer), tuple((f"u{i}", answer) for i in range(len(units)))))
    equations.append(Equation(("all", "n"), tuple(("all", a) for a in ANSWERS)))
    return counts, equations


def _recoverable(cells: Mapping[Key, Cell], equations: Sequence[Equation[Key]]) -> list[str]:
    """Hidden cells that are the only unknown of some equation, worked out as an attacker would."""
    found = []
    for equation in equations:
        members = (equation.total, *equation.parts)
        unknown = [m for m in members if cells[m].value is None]
        if len(unknown) == 1:
            found.append(f"{unknown[0]} from {equation.total}")
    return found


@settings(max_examples=300, deadline=None)
@given(municipality)
def test_no_withheld_count_is_the_only_unknown_of_a_published_sum(units: list[dict[str, int]]) -> None:
    counts, equations = _table(units)
    cells = protect(counts, equations, K)
    assert _recoverable(cells, equations) == []


@settings(max_examples=300, deadline=None)
@given(municipality)
def test_every_small_count_is_withheld_and_every_shown_count_is_true(units: list[dict[str, int]]) -> None:
    counts, equations = _table(units)
    cells = protect(counts, equations, K)
    for key, count in counts.items():
        if 0 < count < K:
            assert cells[key] == Cell(None, BELOW_K)
        if cells[key].value is not None:
            assert cells[key].value == count


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=4))
def test_gender_counts_within_a_published_total(genders: list[int]) -> None:
    counts = {f"g{i}": c for i, c in enumerate(genders)} | {"total": sum(genders)}
    equation = Equation("total", tuple(f"g{i}" for i in range(len(genders))))
    cells = protect(counts, [equation], K)
    assert _recoverable(cells, [equation]) == []
