"""Which breakdowns of a share by a background question (kön, åldersgrupp) a round may show, at
every level at once. Pure functions, no I/O.

A breakdown is shown whole or not at all: at one level every group (including those who left the
background question out) must reach k. Across levels the groups add up: a municipality's women are
its units' women. So a breakdown shown for a roll-up, beside all but one of its units' breakdowns,
would give the last unit's small group away; such breakdowns are withheld as a whole with the same
equation-based complementary suppression as the round's tables (``disclosure.protect``).
"""

from collections.abc import Iterable, Mapping, Sequence

from reporting.disclosure import Equation, protect
from reporting.survey_results.tabulation import Level

Tally = Mapping[str, tuple[int, int]]
"""Per background answer ("none" for those who left it out): positive answers and substantive answers."""
Topic = tuple[str, str]
"""(question link id, background question link id)."""


def shown_breakdowns(
    tallies: Mapping[Level, Mapping[Topic, Tally]],
    sums: Iterable[tuple[Level, Sequence[Level]]],
    k: int,
    *,
    withheld_shares: Iterable[tuple[Level, str]] = (),
) -> set[tuple[Level, Topic]]:
    """The (level, topic) breakdowns that may be shown.

    ``tallies`` holds every level's tallies (units and roll-ups); ``sums`` says which levels add
    up to which (a municipality's units; the round's municipalities, and its unit types).
    ``withheld_shares`` names (level, question) whose share is withheld in the main table: its
    breakdown would give the share's denominator back, so it is withheld too.
    """
    hidden_shares = set(withheld_shares)
    atoms = {(level, topic): tally for level, by_topic in tallies.items() for topic, tally in by_topic.items()}
    topics = {topic for _, topic in atoms}
    counts = {atom: sum(n for _, n in tally.values()) for atom, tally in atoms.items()}
    failing = {
        (level, topic)
        for (level, topic), tally in atoms.items()
        if any(n < k for _, n in tally.values() if n > 0) or (level, topic[0]) in hidden_shares
    }
    # A single group is no breakdown, but its count is the published share's denominator: known,
    # so it can protect nothing and is left out of the sums.
    known = {atom for atom, tally in atoms.items() if len(tally) == 1 and atom not in failing}
    unknown = atoms.keys() - known
    equations = [
        Equation((total, topic), tuple((part, topic) for part in parts if (part, topic) in unknown))
        for total, parts in sums
        for topic in topics
        if (total, topic) in atoms
    ]
    cells = protect(counts, equations, k, also_primary=failing, exempt=counts)
    return {atom for atom, cell in cells.items() if cell.value is not None and len(atoms[atom]) >= 2}
