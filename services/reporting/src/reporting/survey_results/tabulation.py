"""A round's survey tables, every level at once: units, and their roll-ups to municipality, unit
type and the whole round, protected together. Pure functions, no I/O.

Every published count is a cell; every roll-up is an equation (the municipality's count of an
answer is the sum of its units' counts, a question's n the sum of its answers, an area's positive
answers the sum of its questions'). ``disclosure.protect`` then withholds cells until no withheld
cell is the only unknown of an equation whose other members are published, across all levels.
"""

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from insikt_common.contracts.survey import QuestionDefinition
from reporting.disclosure import BELOW_K, COMPLEMENTARY, Bound, Cell, Equation, EquationIndex, protect
from reporting.statistics import Moments, Share, share_positive

Level = tuple[str, str]
"""``("unit", unit id)``, ``("municipality", code)``, ``("unit_type", type)`` or ``("round", round id)``."""
Key = tuple[Any, ...]
C = TypeVar("C", bound=Hashable)

NUMERIC_KINDS = frozenset({"rating"})
BACKGROUND_KINDS = frozenset({"background_gender", "background_age"})


@dataclass(frozen=True)
class Question:
    link_id: str
    kind: str | None = None
    text: str | None = None
    area: str | None = None
    order: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    positive: frozenset[str] = frozenset()
    non_substantive: frozenset[str] = frozenset()
    values: Mapping[str, float] = field(default_factory=dict)
    numeric: bool = False
    """Answers are numbers (a 1–10 rating): a mean and spread are reported."""
    always_answered: bool = False
    """Every response answers it, as anyone reading the questionnaire knows: its n is the number of
    responses, so a small Vet inte count is protected through the share rather than through n."""

    @property
    def has_share(self) -> bool:
        return bool(self.positive)

    def value_of(self, answer: str) -> float | None:
        if answer in self.non_substantive:
            return None
        if answer in self.values:
            return self.values[answer]
        try:
            return float(answer)
        except ValueError:
            return None


def question_from_definition(definition: QuestionDefinition) -> Question:
    options = sorted(definition.options, key=lambda o: o.order)
    values = {o.code: o.value for o in options if o.value is not None}
    return Question(
        link_id=definition.link_id,
        kind=definition.kind,
        text=definition.text_sv,
        area=definition.area,
        order=tuple(o.code for o in options),
        labels={o.code: o.label_sv for o in options},
        positive=frozenset(o.code for o in options if o.positive),
        non_substantive=frozenset(o.code for o in options if o.non_substantive),
        values=values,
        numeric=definition.kind in NUMERIC_KINDS or (definition.kind != "choice" and bool(values)),
        always_answered=definition.always_answered,
    )


def broken_down(questions: Iterable[Question]) -> tuple[list[Question], list[Question]]:
    """The background questions (kön, åldersgrupp), and the questions with a share that breakdowns
    split by them: what the projection counts by background and what reports show."""
    questions = list(questions)
    background = [q for q in questions if q.kind in BACKGROUND_KINDS]
    return background, [q for q in questions if q.has_share and q.kind not in BACKGROUND_KINDS]


@dataclass
class UnitCounts:
    responses: int
    answers: dict[str, dict[str, int]]
    """Per question: how many gave each answer."""


@dataclass(frozen=True)
class QuestionFigures:
    n: Cell
    answers: dict[str, Cell]
    share: Share | None
    share_suppressed: str | None
    moments: Moments | None
    """Count, sum and sum of squares of the numeric answers, when every count of the distribution is
    published: with the options nobody chose not listed, a mean and spread beside withheld counts
    would let two or three of them be solved for."""
    mean_suppressed: str | None


@dataclass(frozen=True)
class AreaFigures:
    index: Share | None
    suppressed: str | None
    questions: tuple[str, ...]


@dataclass(frozen=True)
class LevelFigures:
    responses: Cell
    questions: dict[str, QuestionFigures]
    areas: dict[str, AreaFigures]


def tabulate(
    questions: Sequence[Question],
    units: Mapping[str, UnitCounts],
    groups: Mapping[Level, Sequence[str]],
    k: int,
    *,
    partitions: Sequence[tuple[Level, Sequence[Level]]] = (),
    splits: Sequence[tuple[Level, Level]] = (),
    levels: Collection[Level] | None = None,
) -> dict[Level, LevelFigures]:
    """Figures for every unit and every group of units, with small and derivable counts withheld.

    ``groups`` maps a roll-up level to its units; ``partitions`` says which group levels add up to
    which (the round is the sum of its municipalities, and of its unit types). ``splits`` pairs a
    level with the part of it someone does not know (riket and everything outside one organisation,
    which knows its own units): a cell of the level is withheld whenever the same cell of that part is.
    ``levels`` limits the figures returned to those levels (all are still protected together).
    """
    known = {q.link_id for q in questions}
    seen_answers: dict[str, set[str]] = {}
    for unit_counts in units.values():
        for link_id, answers in unit_counts.answers.items():
            seen_answers.setdefault(link_id, set()).update(answers)
    all_questions = [*questions, *(Question(link_id) for link_id in sorted(seen_answers) if link_id not in known)]
    answer_keys = {
        q.link_id: sorted(set(q.order) | seen_answers.get(q.link_id, set()), key=_answer_order(q))
        for q in all_questions
    }
    areas: dict[str, list[Question]] = {}
    for q in all_questions:
        if q.area and q.has_share:
            areas.setdefault(q.area, []).append(q)

    raw: dict[Level, UnitCounts] = {("unit", unit_id): counts for unit_id, counts in units.items()}
    for level, members in groups.items():
        raw[level] = _sum_counts([units[u] for u in members if u in units])

    # Every level has the same cells in the same order: cell j of the level at position i is
    # numbered i × width + j, and one level's equations serve every level.
    layout = _Layout.of(all_questions, answer_keys, areas)
    width = len(layout.cells)
    order = list(raw)
    base = {level: i * width for i, level in enumerate(order)}
    counts: dict[int, int] = {}
    for level, unit_counts in raw.items():
        counts.update(enumerate(_level(unit_counts, all_questions, answer_keys, areas).values(), base[level]))
    equations = [
        Equation(b + e.total, tuple([b + p for p in e.parts]), e.hide_total_first)
        for b in base.values()
        for e in layout.equations
    ]
    roles = layout.roles.numbered(lambda cell: [b + cell for b in base.values()])
    floors, ceilings = _read_alongside(layout, base.values(), counts, all_questions, k=k, roles=roles)
    rolled_up = range(width) if units else range(0)
    for level, members in groups.items():
        present = [base[("unit", u)] for u in members if u in units]
        equations.extend(Equation(base[level] + j, tuple([m + j for m in present])) for j in rolled_up)
    for total, parts in partitions:
        bases = [base[p] for p in parts]
        equations.extend(Equation(base[total] + j, tuple([b + j for b in bases])) for j in rolled_up)

    cells = _protect_all(
        counts,
        equations,
        k,
        roles,
        floors=floors,
        ceilings=ceilings,
        splits=[(base[total] + j, base[rest] + j) for total, rest in splits for j in rolled_up],
        label=lambda cell: str((order[cell // width], *layout.cells[cell % width])),
    )

    def cell_of(level: Level) -> Callable[[Key], Cell]:
        return lambda key: cells[base[level] + layout.number[key]]

    return {
        level: _figures(unit_counts, all_questions, answer_keys=answer_keys, areas=areas, cell=cell_of(level))
        for level, unit_counts in raw.items()
        if levels is None or level in levels
    }


class CellRoles(NamedTuple, Generic[C]):
    """What ``disclosure.protect`` needs to know about cells beyond their counts."""

    exempt: set[C]
    follows: dict[C, C]
    reluctant: set[C]
    told: set[C]
    """Cells whose reason a reader can tell: a question's n lists no answers when it is small."""

    def numbered(self, numbers: Callable[[C], Sequence[int]]) -> "CellRoles[int]":
        """These roles for the cells numbered ``numbers(cell)`` (one number, or one per level)."""
        return CellRoles(
            exempt={n for c in self.exempt for n in numbers(c)},
            follows={
                n: lead
                for f, leader in self.follows.items()
                for n, lead in zip(numbers(f), numbers(leader), strict=True)
            },
            reluctant={n for c in self.reluctant for n in numbers(c)},
            told={n for c in self.told for n in numbers(c)},
        )


def _read_alongside(
    layout: "_Layout",
    bases: Iterable[int],
    counts: Mapping[int, int],
    questions: Sequence[Question],
    *,
    k: int,
    roles: CellRoles[int],
) -> tuple[dict[int, list[Bound[int]]], dict[int, list[Bound[int]]]]:
    """What a report tells a reader of its withheld counts beyond their mark: adds to ``roles.told``
    the answers and share parts under a small n (a small n lists no answers, so each is below k);
    returns floors and ceilings: a response count is at least every n a reader sees, and an n at
    most the response count, while the other is shown and reaches k (a small one's bound, k − 1, is
    known anyway)."""
    floors: dict[int, list[Bound[int]]] = {}
    ceilings: dict[int, list[Bound[int]]] = {}
    for b in bases:
        responses = b + layout.number[("responses",)]
        for q in questions:
            n = b + layout.number[(q.link_id, "n")]
            if 0 < counts[n] < k:
                roles.told.update(b + j for j in layout.under[q.link_id])
            elif counts[n] >= k:
                floors.setdefault(responses, []).append(Bound(counts[n], n))
            if counts[responses] >= k:
                ceilings[n] = [Bound(counts[responses], responses)]
    return floors, ceilings


def _protect_all(
    counts: Mapping[int, int],
    equations: Sequence[Equation[int]],
    k: int,
    roles: CellRoles[int],
    *,
    floors: Mapping[int, Sequence[Bound[int]]],
    ceilings: Mapping[int, Sequence[Bound[int]]],
    splits: Sequence[tuple[int, int]],
    label: Callable[[int], str],
) -> dict[int, Cell]:
    """A cell split off from a total (see ``tabulate``) takes the total with it when withheld."""
    extra: set[int] = set()
    indexed = EquationIndex(equations)
    while True:
        cells = protect(
            counts,
            indexed,
            k,
            also_primary=extra,
            exempt=roles.exempt,
            follows=roles.follows,
            reluctant=roles.reluctant,
            told=roles.told,
            floors=floors,
            ceilings=ceilings,
            label=label,
        )
        grown = set(extra)
        grown.update(total for total, rest in splits if cells[rest].value is None)
        if grown == extra:
            return cells
        extra = grown


class _Layout(NamedTuple):
    """One level's cells (their keys without the level) and the equations and roles within a
    level, in cell numbers: every level has the same."""

    cells: list[Key]
    number: dict[Key, int]
    equations: list[Equation[int]]
    roles: CellRoles[int]
    under: dict[str, list[int]]
    """Per question, the cells its n bounds: its answers, its share's parts and its areas' sums."""

    @staticmethod
    def of(
        questions: Sequence[Question], answer_keys: Mapping[str, list[str]], areas: Mapping[str, list[Question]]
    ) -> "_Layout":
        equations: list[Equation[Key]] = []
        roles: CellRoles[Key] = CellRoles(exempt=set(), follows={}, reluctant=set(), told=set())
        cells = list(_level(UnitCounts(0, {}), questions, answer_keys, areas, (equations, roles)))
        number = {key: j for j, key in enumerate(cells)}
        return _Layout(
            cells=cells,
            number=number,
            equations=[
                Equation(number[e.total], tuple(number[p] for p in e.parts), e.hide_total_first) for e in equations
            ],
            roles=roles.numbered(lambda cell: (number[cell],)),
            under={q.link_id: [j for j, key in enumerate(cells) if _bounded_by_n(key, q, areas)] for q in questions},
        )


def _bounded_by_n(key: Key, q: Question, areas: Mapping[str, list[Question]]) -> bool:
    """Whether a small n of ``q`` tells a reader something of the cell ``key`` (of the same level):
    its answers and its share's parts are below k, its areas' sums are bounded. Such cells are told
    (``protect``), which errs towards withholding more where the bound is looser than k − 1."""
    if len(key) == 1:
        return False  # the response count
    if key[0] == q.link_id:
        return bool(key[1] != "n")
    return bool(key[0] == "area" and q.area == key[1] and q in areas.get(key[1], ()))


def _level(
    unit_counts: UnitCounts,
    questions: Sequence[Question],
    answer_keys: Mapping[str, list[str]],
    areas: Mapping[str, list[Question]],
    structure: tuple[list[Equation[Key]], CellRoles[Key]] | None = None,
) -> dict[Key, int]:
    """A level's cells, in the same order for every level; with ``structure``, also the equations
    within a level (answers to n, questions to area) and the cells' roles, added to it."""
    counts: dict[Key, int] = {("responses",): unit_counts.responses}
    negatives: dict[str, tuple[Key, ...]] = {}
    for q in questions:
        answers = unit_counts.answers.get(q.link_id, {})
        answer_cells = [(q.link_id, "a", a) for a in answer_keys[q.link_id]]
        for a, cell in zip(answer_keys[q.link_id], answer_cells, strict=True):
            counts[cell] = answers.get(a, 0)
        counts[(q.link_id, "n")] = sum(answers.values())
        if q.has_share:
            positive = [(q.link_id, "a", a) for a in answer_keys[q.link_id] if a in q.positive]
            substantive = [(q.link_id, "a", a) for a in answer_keys[q.link_id] if a not in q.non_substantive]
            counts[(q.link_id, "pos")] = sum(counts[c] for c in positive)
            counts[(q.link_id, "sub")] = sum(counts[c] for c in substantive)
        if structure is None:
            continue
        equations, roles = structure
        # A report tells an n's reason (a small one lists no answers), and with it the response
        # count's (at least every n).
        roles.told.update([(q.link_id, "n"), ("responses",)])
        if q.has_share:
            non_substantive = [(q.link_id, "a", a) for a in answer_keys[q.link_id] if a in q.non_substantive]
            if q.always_answered:
                roles.reluctant.update(non_substantive)  # withheld, it would take the share with it
            equations.append(Equation((q.link_id, "pos"), tuple(positive)))
            equations.append(Equation((q.link_id, "sub"), tuple(substantive)))
            negatives[q.link_id] = tuple(c for c in substantive if c not in positive)
            _share_parts(equations, roles, (q.link_id,), negatives[q.link_id])
            equations.append(
                Equation(
                    (q.link_id, "n"),
                    ((q.link_id, "sub"), *non_substantive),
                    # An optional item's skips keep its Vet inte from showing as responses − the
                    # share's denominator once n is withheld; a required item has none, so the
                    # share goes instead.
                    hide_total_first=not q.always_answered,
                )
            )
        # After the share's equations, so that an optional item's small Vet inte takes its n
        # (above) before a sweep reaches the answers and takes a substantive answer instead.
        equations.append(Equation((q.link_id, "n"), tuple(answer_cells)))
        if q.always_answered:
            # Its n is the response count: a withheld n would be published anyway.
            equations.append(Equation(("responses",), ((q.link_id, "n"),)))
    for area, area_questions in areas.items():
        for part in ("pos", "sub"):
            members = tuple((q.link_id, part) for q in area_questions)
            counts[("area", area, part)] = sum(counts[m] for m in members)
            if structure is not None:
                structure[0].append(Equation(("area", area, part), members))
        if structure is not None:
            negative = [c for q in area_questions for c in negatives[q.link_id]]
            _share_parts(*structure, ("area", area), negative)
    return counts


def _share_parts(equations: list[Equation[Key]], roles: CellRoles[Key], prefix: Key, negative: Sequence[Key]) -> None:
    """A share's numerator (``prefix`` + "pos") and denominator ("sub"): the numerator is never
    withheld for being small, goes whenever the denominator does, and is picked as a complement only
    when nothing else would do (it takes the share with it); the denominator less the numerator is
    the ``negative`` answers, the substantive ones that are not positive."""
    positive, substantive = (*prefix, "pos"), (*prefix, "sub")
    roles.exempt.add(positive)
    roles.follows[positive] = substantive
    roles.reluctant.add(positive)
    equations.append(Equation(substantive, (positive, *negative)))


def _figures(
    unit_counts: UnitCounts,
    questions: Iterable[Question],
    *,
    answer_keys: Mapping[str, list[str]],
    areas: Mapping[str, list[Question]],
    cell: Callable[[Key], Cell],
) -> LevelFigures:
    """A level's figures from its cells (``cell`` of a key without the level)."""
    figures: dict[str, QuestionFigures] = {}
    for q in questions:
        n = cell((q.link_id, "n"))
        answers = {a: cell((q.link_id, "a", a)) for a in answer_keys[q.link_id]}
        raw_answers = unit_counts.answers.get(q.link_id, {})
        share, share_suppressed = None, None
        if q.has_share:
            share, share_suppressed = _share(cell((q.link_id, "pos")), cell((q.link_id, "sub")))
        moments, mean_suppressed = None, None
        if q.numeric:
            if n.value is None:
                mean_suppressed = n.suppressed
            elif any(c.value is None for c in answers.values()):
                mean_suppressed = COMPLEMENTARY
            else:
                pairs = [(v, c) for a, c in raw_answers.items() if (v := q.value_of(a)) is not None]
                moments = Moments.of(pairs)
        figures[q.link_id] = QuestionFigures(
            n=n,
            # Below k, the answers listed would tell what the few chose, and their number would
            # bound each of them (1 or more each). A reader can tell such an n from a withheld one
            # with answers listed: the n's reason shows there, no other cell's does.
            answers={a: cell for a, cell in answers.items() if cell.value != 0} if n.suppressed != BELOW_K else {},
            share=share,
            share_suppressed=share_suppressed,
            moments=moments,
            mean_suppressed=mean_suppressed,
        )
    area_figures = {}
    for area, area_questions in areas.items():
        index, suppressed = _share(cell(("area", area, "pos")), cell(("area", area, "sub")))
        area_figures[area] = AreaFigures(index, suppressed, tuple(q.link_id for q in area_questions))
    return LevelFigures(responses=cell(("responses",)), questions=figures, areas=area_figures)


def _share(positive: Cell, substantive: Cell) -> tuple[Share | None, str | None]:
    if substantive.value is None:
        return None, substantive.suppressed
    if positive.value is None:
        return None, positive.suppressed or COMPLEMENTARY
    return share_positive(positive.value, substantive.value, 0), None


def _sum_counts(parts: Iterable[UnitCounts]) -> UnitCounts:
    total = UnitCounts(0, {})
    for part in parts:
        total.responses += part.responses
        for link_id, answers in part.answers.items():
            mine = total.answers.setdefault(link_id, {})
            for answer, count in answers.items():
                mine[answer] = mine.get(answer, 0) + count
    return total


def _answer_order(q: Question) -> Any:
    position = {code: i for i, code in enumerate(q.order)}

    def key(answer: str) -> tuple[int, float, str]:
        if answer in position:
            return (0, position[answer], answer)
        value = q.value_of(answer)
        return (1, value if value is not None else float("inf"), answer)

    return key


__all__ = ["BELOW_K", "AreaFigures", "LevelFigures", "Question", "QuestionFigures", "UnitCounts", "tabulate"]
