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


def _protect_by_sweeps(
    counts: Mapping[Key, int],
    equations: Sequence[Equation[Key]],
    k: int,
    *,
    also_primary: Sequence[Key] = (),
    exempt: Sequence[Key] = (),
    follows: Mapping[Key, Key] | None = None,
    reluctant: Sequence[Key] = (),
) -> dict[Key, Cell]:
    """Complementary suppression as first written: every follower, then every equation in order,
    swept again and again until a sweep changes nothing. ``protect`` must agree with it exactly."""
    small = {key for key, count in counts.items() if 0 < count < k and key not in set(exempt)}
    hidden = small | set(also_primary)
    changed = True
    while changed:
        changed = False
        for follower, leader in (follows or {}).items():
            if leader in hidden and follower not in hidden:
                hidden.add(follower)
                changed = True
        for equation in equations:
            members = (equation.total, *equation.parts)
            if sum(1 for m in members if m in hidden) != 1:
                continue
            visible = sorted(
                (part for part in set(equation.parts) if part not in hidden),
                key=lambda p: (p in set(reluctant), counts[p], str(p)),
            )
            if equation.hide_total_first and equation.total not in hidden:
                hidden.add(equation.total)
            else:
                hidden.add(visible[0] if visible else equation.total)
            changed = True
    return {
        key: (Cell(None, BELOW_K if key in small else "complementary") if key in hidden else Cell(count))
        for key, count in counts.items()
    }


@st.composite
def _systems(
    draw: st.DrawFn,
) -> tuple[dict[int, int], list[Equation[int]], list[int], list[int], dict[int, int], list[int]]:
    """Arbitrary overlapping equations over a few cells, in any order, some parts repeated."""
    size = draw(st.integers(2, 14))
    counts = {key: draw(st.integers(0, 12)) for key in range(size)}
    cells = st.integers(0, size - 1)
    equations = []
    for _ in range(draw(st.integers(1, 10))):
        total = draw(cells)
        parts = draw(st.lists(cells.filter(lambda c, t=total: c != t), min_size=1, max_size=5))
        equations.append(Equation(total, tuple(parts), hide_total_first=draw(st.booleans())))
    also = draw(st.lists(cells, max_size=2))
    exempt = draw(st.lists(cells, max_size=3))
    follows = draw(st.dictionaries(cells, cells, max_size=3))
    reluctant = draw(st.lists(cells, max_size=3))
    return counts, equations, also, exempt, follows, reluctant


@settings(max_examples=500, deadline=None)
@given(_systems())
def test_protect_hides_exactly_what_sweeping_every_equation_in_order_hides(
    system: tuple[dict[int, int], list[Equation[int]], list[int], list[int], dict[int, int], list[int]],
) -> None:
    counts, equations, also, exempt, follows, reluctant = system
    options = {"also_primary": also, "exempt": exempt, "follows": follows, "reluctant": reluctant}
    assert protect(counts, equations, K, **options) == _protect_by_sweeps(counts, equations, K, **options)  # type: ignore[arg-type]
