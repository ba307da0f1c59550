"""A round's survey tables, every level at once: units, and their roll-ups to municipality, unit
type and the whole round, protected together. Pure functions, no I/O.

Every published count is a cell; every roll-up is an equation (the municipality's count of an
answer is the sum of its units' counts, a question's n the sum of its answers, an area's positive
answers the sum of its questions'). ``disclosure.protect`` then withholds cells until no withheld
cell is the only unknown of an equation whose other members are published, across all levels.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from insikt_common.contracts.survey import QuestionDefinition
from reporting.disclosure import BELOW_K, COMPLEMENTARY, Cell, Equation, EquationIndex, protect
from reporting.statistics import Moments, Share, share_positive

Level = tuple[str, str]
"""``("unit", unit id)``, ``("municipality", code)``, ``("unit_type", type)`` or ``("round", round id)``."""
Key = tuple[Any, ...]

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
    """Count, sum and sum of squares of the numeric answers, when the n they rest on is published."""
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

    counts, equations, roles = _cells(raw, all_questions, answer_keys, areas)

    first: Level | None = ("unit", next(iter(units))) if units else None
    measures = [key[1:] for key in counts if key[0] == first]
    for level, members in groups.items():
        present = [("unit", u) for u in members if u in units]
        for measure in measures:
            equations.append(Equation((level, *measure), tuple([(m, *measure) for m in present])))
    for total, parts in partitions:
        for measure in measures:
            equations.append(Equation((total, *measure), tuple([(p, *measure) for p in parts])))

    cells = _protect_all(
        counts,
        equations,
        k,
        roles,
        numeric=[(level, q.link_id, answer_keys[q.link_id]) for level in raw for q in all_questions if q.numeric],
        splits=[((total, *measure), (rest, *measure)) for total, rest in splits for measure in measures],
    )

    return {
        level: _figures(level, unit_counts, all_questions, answer_keys=answer_keys, areas=areas, cells=cells)
        for level, unit_counts in raw.items()
        if levels is None or level in levels
    }


class CellRoles(NamedTuple):
    """What ``disclosure.protect`` needs to know about cells beyond their counts."""

    exempt: set[Key]
    follows: dict[Key, Key]
    reluctant: set[Key]
    told: set[Key]
    """Cells whose reason a reader can tell: a question's n lists no answers when it is small."""


def _protect_all(
    counts: Mapping[Key, int],
    equations: Sequence[Equation[Key]],
    k: int,
    roles: "CellRoles",
    *,
    numeric: Sequence[tuple[Level, str, list[str]]],
    splits: Sequence[tuple[Key, Key]],
) -> dict[Key, Cell]:
    """A numeric scale's distribution is withheld as a whole once any of its counts is: with its
    mean and spread published, two or three withheld counts could otherwise be solved for. A cell
    split off from a total (see ``tabulate``) takes the total with it when withheld."""
    extra: set[Key] = set()
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
        )
        grown = set(extra)
        for level, link_id, answers in numeric:
            answer_cells = [(level, link_id, "a", a) for a in answers]
            if any(cells[c].value is None for c in answer_cells):
                grown.update(c for c in answer_cells if counts[c] > 0)
        grown.update(total for total, rest in splits if cells[rest].value is None)
        if grown == extra:
            return cells
        extra = grown


def _cells(
    raw: Mapping[Level, UnitCounts],
    questions: Sequence[Question],
    answer_keys: Mapping[str, list[str]],
    areas: Mapping[str, list[Question]],
) -> tuple[dict[Key, int], list[Equation[Key]], "CellRoles"]:
    """Each level's cells and the equations within a level (answers to n, questions to area)."""
    counts: dict[Key, int] = {}
    equations: list[Equation[Key]] = []
    roles = CellRoles(exempt=set(), follows={}, reluctant=set(), told=set())
    for level, unit_counts in raw.items():
        counts[(level, "responses")] = unit_counts.responses
        negatives: dict[str, tuple[Key, ...]] = {}
        for q in questions:
            answers = unit_counts.answers.get(q.link_id, {})
            answer_cells = [(level, q.link_id, "a", a) for a in answer_keys[q.link_id]]
            for a, cell in zip(answer_keys[q.link_id], answer_cells, strict=True):
                counts[cell] = answers.get(a, 0)
            counts[(level, q.link_id, "n")] = sum(answers.values())
            roles.told.add((level, q.link_id, "n"))
            if q.has_share:
                positive = [(level, q.link_id, "a", a) for a in answer_keys[q.link_id] if a in q.positive]
                substantive = [(level, q.link_id, "a", a) for a in answer_keys[q.link_id] if a not in q.non_substantive]
                non_substantive = [(level, q.link_id, "a", a) for a in answer_keys[q.link_id] if a in q.non_substantive]
                if q.always_answered:
                    roles.reluctant.update(non_substantive)  # withheld, it would take the share with it
                counts[(level, q.link_id, "pos")] = sum(counts[c] for c in positive)
                counts[(level, q.link_id, "sub")] = sum(counts[c] for c in substantive)
                equations.append(Equation((level, q.link_id, "pos"), tuple(positive)))
                equations.append(Equation((level, q.link_id, "sub"), tuple(substantive)))
                negatives[q.link_id] = tuple(c for c in substantive if c not in positive)
                _share_parts(equations, roles, (level, q.link_id), negatives[q.link_id])
                equations.append(
                    Equation(
                        (level, q.link_id, "n"),
                        ((level, q.link_id, "sub"), *non_substantive),
                        # An optional item's skips keep its Vet inte from showing as responses − the
                        # share's denominator once n is withheld; a required item has none, so the
                        # share goes instead.
                        hide_total_first=not q.always_answered,
                    )
                )
            # After the share's equations, so that an optional item's small Vet inte takes its n
            # (above) before a sweep reaches the answers and takes a substantive answer instead.
            equations.append(Equation((level, q.link_id, "n"), tuple(answer_cells)))
            if q.always_answered:
                # Its n is the response count: a withheld n would be published anyway.
                equations.append(Equation((level, "responses"), ((level, q.link_id, "n"),)))
        for area, area_questions in areas.items():
            for part in ("pos", "sub"):
                members = tuple((level, q.link_id, part) for q in area_questions)
                counts[(level, "area", area, part)] = sum(counts[m] for m in members)
                equations.append(Equation((level, "area", area, part), members))
            _share_parts(
                equations, roles, (level, "area", area), [c for q in area_questions for c in negatives[q.link_id]]
            )

    return counts, equations, roles


def _share_parts(equations: list[Equation[Key]], roles: CellRoles, prefix: Key, negative: Sequence[Key]) -> None:
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
    level: Level,
    unit_counts: UnitCounts,
    questions: Iterable[Question],
    *,
    answer_keys: Mapping[str, list[str]],
    areas: Mapping[str, list[Question]],
    cells: Mapping[Key, Cell],
) -> LevelFigures:
    figures: dict[str, QuestionFigures] = {}
    for q in questions:
        n = cells[(level, q.link_id, "n")]
        answers = {a: cells[(level, q.link_id, "a", a)] for a in answer_keys[q.link_id]}
        raw_answers = unit_counts.answers.get(q.link_id, {})
        share, share_suppressed = None, None
        if q.has_share:
            share, share_suppressed = _share(cells, (level, q.link_id, "pos"), (level, q.link_id, "sub"))
        moments, mean_suppressed = None, None
        if q.numeric:
            if n.value is None:
                mean_suppressed = n.suppressed
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
        index, suppressed = _share(cells, (level, "area", area, "pos"), (level, "area", area, "sub"))
        area_figures[area] = AreaFigures(index, suppressed, tuple(q.link_id for q in area_questions))
    return LevelFigures(responses=cells[(level, "responses")], questions=figures, areas=area_figures)


def _share(cells: Mapping[Key, Cell], positive_key: Key, substantive_key: Key) -> tuple[Share | None, str | None]:
    positive, substantive = cells[positive_key], cells[substantive_key]
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
