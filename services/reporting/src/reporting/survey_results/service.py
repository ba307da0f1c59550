"""Survey reports: a round's tables for a unit or a roll-up, with comparisons, all suppressed."""

import threading
from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from insikt_common import clock
from insikt_common.auth import Principal
from insikt_common.contracts.survey import QuestionDefinition
from insikt_common.errors import Conflict, NotFound
from reporting import access
from reporting.benchmarks import repository as benchmarks
from reporting.benchmarks.kolada import RIKET
from reporting.directory.models import UnitEntry
from reporting.disclosure import WITHHELD, Cell, published
from reporting.projection import table_of, upsert
from reporting.statistics import Share, difference_in_points, summarise, wilson_interval
from reporting.survey_results import repository
from reporting.survey_results.breakdowns import Tally, Topic, shown_breakdowns
from reporting.survey_results.models import RoundEntry, RoundPublication, RoundUnitTotal
from reporting.survey_results.schemas import (
    AnswerRow,
    AreaIndex,
    Breakdown,
    BreakdownGroup,
    CommentGroup,
    Comparison,
    CountCell,
    DifferenceRead,
    IntervalRead,
    LevelInfo,
    MeanRead,
    PublicationRead,
    QuestionResult,
    RateRead,
    RoundInfo,
    RoundUnitSummary,
    ShareRead,
    SurveyReport,
    UnitInfo,
    UnitRow,
)
from reporting.survey_results.tables_cache import TablesCache, collection_paused
from reporting.survey_results.tabulation import (
    Level,
    LevelFigures,
    Question,
    QuestionFigures,
    UnitCounts,
    broken_down,
    question_from_definition,
    tabulate,
)

LEVEL_NAMES = {"municipality": "Kommun", "unit_type": "Verksamhetstyp", "round": "Hela omgången"}


ShownBreakdown = tuple[Question, Tally]
"""A background question and, per background answer, the question's positive and substantive answers."""


@dataclass
class RoundTables:
    """Everything one round's reports are read from. Kept between requests (see ``tables_cache``)
    while the round's read model stays as it was, except ``public``, read for each request."""

    round_id: str
    entry: RoundEntry | None
    questionnaire_id: str | None
    questionnaire_version: int | None
    questions: list[Question]
    units: dict[str, UnitEntry]
    counts: dict[str, UnitCounts]
    figures: dict[Level, LevelFigures]
    k: int
    version: str | None
    """The read model's version (``repository.written_version``) these tables were computed at."""
    public: bool = False
    breakdowns: dict[Level, dict[str, list[ShownBreakdown]]] = field(default_factory=dict)
    """Every level's, filled together by the first report that asks (``_breakdowns``); the response
    answers behind them are written in the same transactions as the counts, so they are as current
    as the figures."""
    breakdowns_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)
    """Held while the breakdowns are computed, so that the first requests at once compute them once."""

    @property
    def organisation_id(self) -> str | None:
        if self.entry is not None:
            return self.entry.organisation_id
        organisations = {u.organisation_id for u in self.units.values() if u.organisation_id}
        return organisations.pop() if len(organisations) == 1 else None

    @property
    def year(self) -> int | None:
        return self.entry.opens_on.year if self.entry is not None else None


def unit_report(
    session: Session,
    round_id: str,
    unit_id: str,
    default_k: int,
    principal: Principal | None,
    *,
    cache: TablesCache | None = None,
) -> SurveyReport:
    """One unit in one round, beside its municipality, its unit type, riket and its previous round.

    With a ``cache``, tables computed for an earlier request are used while the round's read
    model is unchanged."""
    cache = TablesCache(budget=0) if cache is None else cache
    tables = _round_tables(session, round_id, default_k, cache)
    if tables is None or unit_id not in tables.counts:
        raise NotFound(f"no responses for unit {unit_id} in round {round_id}")
    access.check_unit(principal, tables.organisation_id, unit_id, tables.public)
    unit = tables.units[unit_id]
    level: Level = ("unit", unit_id)
    figures = tables.figures[level]
    report = _report(
        session,
        cache,
        tables,
        level,
        LevelInfo(kind="unit", key=unit_id, name=unit.name),
        comparison_levels=[("municipality", unit.municipality_code), ("unit_type", unit.type)],
        unit_type=unit.type,
        municipality_code=unit.municipality_code,
    )
    report.unit = UnitInfo.model_validate(unit, from_attributes=True)
    report.response_rate = _response_rate(figures.responses, repository.codes_issued_to(session, round_id, unit_id))
    if principal is None:
        report.comments_withheld = "public report"
    elif figures.responses.value is None:
        report.comments_withheld = "response count withheld"
    else:
        report.comments = _comments(session, tables, unit_id)
    return report


def roll_up_report(
    session: Session,
    round_id: str,
    level: tuple[str, str],
    *,
    default_k: int,
    principal: Principal | None,
    cache: TablesCache | None = None,
) -> SurveyReport:
    """A municipality's or a unit type's units in one round, summed (never averaged)."""
    cache = TablesCache(budget=0) if cache is None else cache
    tables = _round_tables(session, round_id, default_k, cache)
    kind, key = level
    if tables is None or level not in tables.figures:
        raise NotFound(f"no responses for {kind} {key} in round {round_id}")
    access.check_roll_up(principal, tables.organisation_id, tables.public)
    comparisons: list[Level] = [("round", round_id)]
    unit_type = key if kind == "unit_type" else None
    report = _report(
        session,
        cache,
        tables,
        level,
        LevelInfo(kind=kind, key=key, name=f"{LEVEL_NAMES[kind]} {key}"),
        comparison_levels=comparisons,
        unit_type=unit_type,
        municipality_code=key if kind == "municipality" else None,
    )
    members = _groups(tables.units)[level]
    report.units = [
        UnitRow(
            unit_id=u,
            unit_name=tables.units[u].name,
            responses=CountCell.of(tables.figures[("unit", u)].responses),
        )
        for u in sorted(members, key=lambda u: tables.units[u].name)
    ]
    codes = repository.codes_issued(session, round_id)
    member_codes = [codes[u] for u in members if u in codes]
    if member_codes and len(member_codes) == len(members):
        report.response_rate = _response_rate(tables.figures[level].responses, sum(member_codes))
    return report


def summaries(
    session: Session, default_k: int, principal: Principal | None, *, cache: TablesCache | None = None
) -> list[RoundUnitSummary]:
    """Every round and unit the caller may see, with its responses, suppressed exactly as in the
    round's reports (a count withheld there to protect a sibling is withheld here too)."""
    cache = TablesCache(budget=0) if cache is None else cache
    result = []
    for round_id in sorted({total.round_id for total, _ in repository.totals_with_units(session)}):
        tables = _round_tables(session, round_id, default_k, cache)
        if tables is None:
            continue
        for unit in sorted(tables.units.values(), key=lambda u: u.name):
            try:
                access.check_unit(principal, tables.organisation_id, unit.id, tables.public)
            except NotFound:
                continue
            result.append(
                RoundUnitSummary(
                    round_id=round_id,
                    unit_id=unit.id,
                    unit_name=unit.name,
                    responses=CountCell.of(tables.figures[("unit", unit.id)].responses),
                )
            )
    return result


def set_publication(session: Session, round_id: str, public: bool, principal: Principal) -> PublicationRead:
    entry = repository.round_entry(session, round_id)
    if entry is None:
        raise Conflict(f"round {round_id} has not been opened in reporting yet; its organisation is unknown")
    if not access.sees_organisation(principal, entry.organisation_id):
        raise NotFound(f"no round {round_id}")
    upsert(
        session,
        table_of(RoundPublication),
        ["round_id"],
        {"round_id": round_id, "organisation_id": entry.organisation_id, "public": public, "changed_on": clock.today()},
    )
    return PublicationRead(round_id=round_id, public=public)


# --- building the tables -------------------------------------------------------------------


def _round_tables(session: Session, round_id: str, default_k: int, cache: TablesCache) -> RoundTables | None:
    version = repository.written_version(session, round_id=round_id)
    tables = cache.get(
        ("round", round_id, default_k), version, lambda: _tabulate_round(session, round_id, default_k, written=version)
    )
    if tables is None:
        return None
    publication = repository.publication(session, round_id)
    return replace(tables, public=publication is not None and publication.public)


def _tabulate_round(
    session: Session, round_id: str, default_k: int, *, written: str | None
) -> tuple[RoundTables | None, int]:
    """The round's tables, and their size for the cache (cells kept)."""
    totals = repository.totals(session, round_id)
    if not totals:
        return None, 0
    entry = repository.round_entry(session, round_id)
    questionnaire_id = entry.questionnaire_id if entry else totals[0].questionnaire_id
    version = entry.questionnaire_version if entry else totals[0].questionnaire_version
    questions = _questions(session, questionnaire_id, version)
    units = repository.units(session, {t.unit_id for t in totals})
    counts = _counts(session, [round_id], totals, units)
    k = entry.min_cell_count if entry is not None else default_k
    groups = _groups(units)
    groups[("round", round_id)] = sorted(counts)
    partitions = [
        (("round", round_id), [level for level in groups if level[0] == kind]) for kind in ("municipality", "unit_type")
    ]
    with collection_paused():
        figures = tabulate(questions, {u: counts[u] for u in counts}, groups, k, partitions=partitions)
    tables = RoundTables(
        round_id=round_id,
        entry=entry,
        questionnaire_id=questionnaire_id,
        questionnaire_version=version,
        questions=questions,
        units=units,
        counts=counts,
        figures=figures,
        k=k,
        version=written,
    )
    for row in (entry, *units.values()):
        if row is not None:
            session.expunge(row)
    return tables, _weight(counts, figures)


def _weight(counts: dict[str, UnitCounts], figures: dict[Level, LevelFigures]) -> int:
    kept = sum(len(answers) for unit in counts.values() for answers in unit.answers.values())
    shown = sum(len(q.answers) + 2 for level in figures.values() for q in level.questions.values())
    return kept + shown


def _questions(session: Session, questionnaire_id: str | None, version: int | None) -> list[Question]:
    if questionnaire_id is None or version is None:
        return []
    stored = repository.questionnaire(session, questionnaire_id, version)
    if stored is None:
        return []
    return [question_from_definition(QuestionDefinition.model_validate(item)) for item in stored.items]


def _counts(
    session: Session, round_ids: list[str], totals: list[RoundUnitTotal], units: dict[str, UnitEntry]
) -> dict[str, UnitCounts]:
    """Counts per unit (keyed ``unit`` for one round, ``round/unit`` for several)."""
    several = len(round_ids) > 1

    def key(round_id: str, unit_id: str) -> str:
        return f"{round_id}/{unit_id}" if several else unit_id

    counts = {key(t.round_id, t.unit_id): UnitCounts(t.responses, {}) for t in totals if t.unit_id in units}
    with collection_paused():  # tens of thousands of rows, none of them garbage
        for round_id, unit_id, link_id, answer, count in repository.answer_count_rows(session, round_ids):
            unit_counts = counts.get(key(round_id, unit_id))
            if unit_counts is not None:
                unit_counts.answers.setdefault(link_id, {})[answer] = count
    return counts


def _groups(units: dict[str, UnitEntry]) -> dict[Level, list[str]]:
    groups: dict[Level, list[str]] = defaultdict(list)
    for unit in units.values():
        groups[("municipality", unit.municipality_code)].append(unit.id)
        groups[("unit_type", unit.type)].append(unit.id)
    return dict(groups)


def _riket(session: Session, cache: TablesCache, tables: RoundTables, unit_type: str) -> LevelFigures | None:
    """All units of the type that answered the same questionnaire in a round of the same year."""
    if tables.questionnaire_id is None:
        return None
    version = repository.written_version(session, questionnaire_id=tables.questionnaire_id)
    # Every round of the year is in riket, the asking round too: with its entry known, any round
    # of that year (and k and questions) gets the same figures.
    asking = tables.round_id if tables.entry is None else None
    key = ("riket", tables.questionnaire_id, tables.questionnaire_version, tables.year, asking, unit_type, tables.k)
    return cache.get(key, version, lambda: _tabulate_riket(session, tables, unit_type))


def _tabulate_riket(session: Session, tables: RoundTables, unit_type: str) -> tuple[LevelFigures | None, int]:
    assert tables.questionnaire_id is not None
    all_totals = repository.totals_of_questionnaire(session, tables.questionnaire_id)
    entries = repository.round_entries(session, {t.round_id for t in all_totals})

    def same_year(round_id: str) -> bool:
        entry = entries.get(round_id)
        return (entry.opens_on.year if entry else None) == tables.year or round_id == tables.round_id

    totals = [t for t in all_totals if same_year(t.round_id)]
    units = repository.units(session, {t.unit_id for t in totals})
    totals = [t for t in totals if t.unit_id in units and units[t.unit_id].type == unit_type]
    round_ids = sorted({t.round_id for t in totals})
    if not round_ids:
        return None, 0
    if (
        round_ids == [tables.round_id]
        and all(t.unit_id in tables.counts for t in totals)
        and repository.written_version(session, round_id=tables.round_id) == tables.version
    ):
        # Riket of the asking round alone: its counts are at hand, and still those of the round now
        # (its version read after riket's, so they are no older than the version riket is kept under).
        counts = {t.unit_id: tables.counts[t.unit_id] for t in totals}
    else:
        counts = _counts(session, round_ids, totals, units)
    if len(round_ids) == 1:
        counts = {f"{round_ids[0]}/{u}": c for u, c in counts.items()}
    level: Level = ("riket", unit_type)
    groups: dict[Level, list[str]] = {level: sorted(counts)}
    owners = {key: units[key.split("/", 1)[1]].organisation_id or "" for key in counts}
    for organisation in sorted(set(owners.values())):
        groups[("outside", organisation)] = sorted(key for key, owner in owners.items() if owner != organisation)
    splits = [(level, rest) for rest in groups if rest[0] == "outside"]
    with collection_paused():
        figures = tabulate(tables.questions, counts, groups, tables.k, splits=splits, levels=[level])
    return figures[level], _weight({}, {level: figures[level]})


def _previous(
    session: Session, cache: TablesCache, tables: RoundTables, level: Level
) -> tuple[RoundTables, LevelFigures] | None:
    """The same level in the latest earlier round of the same questionnaire."""
    if tables.entry is None:
        return None
    candidates = repository.round_entries(
        session, repository.round_ids_of_questionnaire(session, tables.entry.questionnaire_id)
    )
    earlier = sorted(
        (e for e in candidates.values() if e.opens_on < tables.entry.opens_on and e.round_id != tables.round_id),
        key=lambda e: e.opens_on,
        reverse=True,
    )
    for entry in earlier:
        previous = _round_tables(session, entry.round_id, tables.k, cache)
        if previous is not None and level in previous.figures:
            return previous, previous.figures[level]
    return None


# --- shaping the answer ---------------------------------------------------------------------


def _report(
    session: Session,
    cache: TablesCache,
    tables: RoundTables,
    level: Level,
    info: LevelInfo,
    *,
    comparison_levels: list[Level],
    unit_type: str | None,
    municipality_code: str | None,
) -> SurveyReport:
    figures = tables.figures[level]
    compared: list[tuple[str, str, str, LevelFigures]] = [
        (kind, key, f"{LEVEL_NAMES[kind]} {key}" if kind != "round" else LEVEL_NAMES[kind], tables.figures[(kind, key)])
        for kind, key in comparison_levels
    ]
    if unit_type is not None and (riket := _riket(session, cache, tables, unit_type)) is not None:
        compared.append(("riket", unit_type, f"Riket, {unit_type}", riket))
    if (previous := _previous(session, cache, tables, level)) is not None:
        previous_tables, previous_figures = previous
        title = previous_tables.entry.title if previous_tables.entry else previous_tables.round_id
        compared.append(("previous_round", previous_tables.round_id, title, previous_figures))
    kolada = benchmarks.mappings(session, tables.questionnaire_id) if tables.questionnaire_id else {}
    if not tables.breakdowns:
        with tables.breakdowns_lock:
            if not tables.breakdowns:
                tables.breakdowns.update(_breakdowns(session, tables))
    kolada_comparisons = {
        link_id: _kolada(session, kpi, municipality_code, tables.year, figures.questions[link_id].share)
        for link_id, kpi in kolada.items()
        if link_id in figures.questions
    }
    # No collection while the report is shaped: its thousands of short-lived objects, promoted by a
    # collection in the middle, would start full collections that walk every kept table (60-150 ms
    # at 300 units × 30 questions); they die by reference counting once the report is sent.
    with collection_paused():
        return _shaped(tables, level, info, compared, kolada_comparisons)


def _shaped(
    tables: RoundTables,
    level: Level,
    info: LevelInfo,
    compared: list[tuple[str, str, str, LevelFigures]],
    kolada: dict[str, list[Comparison]],
) -> SurveyReport:
    """The report of ``level`` as it leaves the system, from figures already at hand (no I/O)."""
    figures = tables.figures[level]
    questions = []
    by_id = {q.link_id: q for q in tables.questions}
    for link_id, q_figures in figures.questions.items():
        question = by_id.get(link_id, Question(link_id))
        share = _share(q_figures.share, q_figures.share_suppressed) if question.has_share else None
        comparisons = [
            Comparison(
                level=kind,
                key=key,
                label=label,
                n=CountCell.of(other.questions[link_id].n),
                share_positive=_share(other.questions[link_id].share, other.questions[link_id].share_suppressed)
                if question.has_share
                else None,
                mean=_mean(other.questions[link_id]) if question.numeric else None,
                difference=_difference(q_figures.share, other.questions[link_id].share),
            )
            for kind, key, label, other in compared
            if link_id in other.questions
        ]
        if link_id in kolada:
            comparisons.extend(kolada[link_id])
        questions.append(
            QuestionResult(
                link_id=link_id,
                text=question.text,
                kind=question.kind,
                area=question.area,
                n=CountCell.of(q_figures.n),
                answers=[
                    AnswerRow(answer=a, label=question.labels.get(a), count=CountCell.of(cell))
                    for a, cell in q_figures.answers.items()
                ],
                share_positive=share,
                mean=_mean(q_figures) if question.numeric else None,
                comparisons=comparisons,
                breakdowns=_breakdown_reads(tables.breakdowns.get(level, {}).get(link_id, [])),
            )
        )
    areas = [
        AreaIndex(
            area=area,
            questions=list(a_figures.questions),
            index=_share(a_figures.index, a_figures.suppressed),
            comparisons=[
                Comparison(
                    level=kind,
                    key=key,
                    label=label,
                    share_positive=_share(other.areas[area].index, other.areas[area].suppressed),
                    difference=_difference(a_figures.index, other.areas[area].index),
                )
                for kind, key, label, other in compared
                if area in other.areas
            ],
        )
        for area, a_figures in figures.areas.items()
    ]
    entry = tables.entry
    return SurveyReport(
        round_id=tables.round_id,
        round=RoundInfo(
            round_id=tables.round_id,
            title=entry.title if entry else None,
            organisation_id=tables.organisation_id,
            questionnaire_id=tables.questionnaire_id,
            questionnaire_version=tables.questionnaire_version,
            opens_on=entry.opens_on if entry else None,
            closes_on=entry.closes_on if entry else None,
            closed_on=entry.closed_on if entry else None,
            public=tables.public,
        ),
        level=info,
        min_cell_count=tables.k,
        responses=CountCell.of(figures.responses),
        questions=questions,
        areas=areas,
    )


def _breakdowns(session: Session, tables: RoundTables) -> dict[Level, dict[str, list[ShownBreakdown]]]:
    """Share positive by each background answer at every level of the round, for questions whose
    own share is published, and only where every group (including those who left the background
    question out) reaches k and no shown roll-up would give a withheld one away (``breakdowns``)."""
    background, with_share = broken_down(tables.questions)
    found: dict[Level, dict[str, list[ShownBreakdown]]] = {level: {} for level in tables.figures}
    if not background or not with_share:
        return found
    background_ids, share_ids = {b.link_id for b in background}, {q.link_id for q in with_share}
    by_unit_topic: dict[tuple[str, Topic], dict[str, tuple[int, int]]] = defaultdict(dict)
    with collection_paused():  # tens of thousands of tallies, none of them garbage
        for unit_id, background_id, group, link_id, positive, n in repository.background_tallies(
            session, tables.round_id
        ):
            if unit_id in tables.counts and background_id in background_ids and link_id in share_ids:
                by_unit_topic[(unit_id, (link_id, background_id))][group] = (positive, n)
    per_unit: dict[Level, dict[Topic, Tally]] = {}
    for (unit_id, topic), tally in by_unit_topic.items():
        per_unit.setdefault(("unit", unit_id), {})[topic] = tally
    groups = {level: [("unit", u) for u in members] for level, members in _groups(tables.units).items()}
    round_level = ("round", tables.round_id)
    sums = [
        *groups.items(),
        (round_level, [level for level in groups if level[0] == "municipality"]),
        (round_level, [level for level in groups if level[0] == "unit_type"]),
    ]
    tallies: dict[Level, dict[Topic, Tally]] = dict(per_unit)
    for level, members in [*groups.items(), (round_level, list(per_unit))]:
        tallies[level] = _summed([per_unit[m] for m in members if m in per_unit])
    withheld_shares = [
        (level, link_id)
        for level, figures in tables.figures.items()
        for link_id, q_figures in figures.questions.items()
        if q_figures.share is None
    ]
    shown = shown_breakdowns(tallies, sums, tables.k, withheld_shares=withheld_shares)
    for level, by_topic in tallies.items():
        for q, b in ((q, b) for q in with_share for b in background if (level, (q.link_id, b.link_id)) in shown):
            found.setdefault(level, {}).setdefault(q.link_id, []).append((b, by_topic[(q.link_id, b.link_id)]))
    return found


def _breakdown_reads(shown: list[ShownBreakdown]) -> list[Breakdown]:
    """The breakdowns of one question at the level asked for, as they leave the system: made when a
    report asks, not for every level of the round when they are decided (a round of 300 units × 30
    questions × 2 background questions has about 70,000 groups)."""
    return [
        Breakdown(
            by=b.link_id,
            groups=[
                BreakdownGroup(
                    answer=answer, label=b.labels.get(answer), n=n, share_positive=_share(Share(positive, n), None)
                )
                for answer, (positive, n) in sorted(tally.items())
            ],
        )
        for b, tally in shown
    ]


def _summed(parts: list[dict[Topic, Tally]]) -> dict[Topic, Tally]:
    total: dict[Topic, dict[str, tuple[int, int]]] = {}
    for part in parts:
        for topic, tally in part.items():
            mine = total.setdefault(topic, {})
            for group, (positive, n) in tally.items():
                p, m = mine.get(group, (0, 0))
                mine[group] = (p + positive, m + n)
    return dict(total)


def _comments(session: Session, tables: RoundTables, unit_id: str) -> list[CommentGroup]:
    texts = {q.link_id: q.text for q in tables.questions}
    grouped: dict[str, list[str]] = defaultdict(list)
    for comment in repository.comments(session, tables.round_id, unit_id):
        grouped[comment.link_id].append(comment.text)
    return [
        CommentGroup(link_id=link_id, text=texts.get(link_id), comments=sorted(found, key=str.casefold))
        for link_id, found in sorted(grouped.items())
    ]


def _kolada(
    session: Session, kpi: str, municipality_code: str | None, year: int | None, share: Share | None
) -> list[Comparison]:
    found = []
    areas = [("kolada_municipality", municipality_code), ("kolada_riket", RIKET)] if municipality_code else []
    if not municipality_code:
        areas = [("kolada_riket", RIKET)]
    for kind, area in areas:
        if area is None:
            continue
        value = benchmarks.latest_value(session, kpi, area, year)
        if value is None or value.value is None:
            continue
        interval = None
        if value.count:
            positive = round(value.value / 100 * value.count)
            interval = wilson_interval(min(positive, value.count), value.count)
        difference = difference_in_points(share.value, share.interval, value.value / 100, interval) if share else None
        found.append(
            Comparison(
                level=kind,
                key=kpi,
                label=f"Kolada {kpi} {area} {value.period}",
                n=CountCell(value=value.count) if value.count is not None else None,
                share_positive=ShareRead(
                    percent=round(value.value, 1),
                    interval=IntervalRead(low=round(interval.low * 100, 1), high=round(interval.high * 100, 1))
                    if interval
                    else None,
                    positive=None,
                    denominator=value.count,
                ),
                difference=DifferenceRead(points=difference.points, intervals_disjoint=difference.intervals_disjoint)
                if difference
                else None,
            )
        )
    return found


def _response_rate(responses: Cell, codes: int | None) -> RateRead | None:
    if not codes:
        return None
    if responses.value is None:
        return RateRead(percent=None, codes_issued=codes, suppressed=published(responses.suppressed))
    return RateRead(percent=round(100 * responses.value / codes, 1), codes_issued=codes)


def _share(share: Share | None, suppressed: str | None) -> ShareRead:
    if share is None:
        return ShareRead(
            percent=None,
            interval=None,
            positive=None,
            denominator=None,
            suppressed=published(suppressed) or "no substantive answers",
        )
    interval = share.interval
    return ShareRead(
        percent=round(share.value * 100, 1),
        interval=IntervalRead(low=round(interval.low * 100, 1), high=round(interval.high * 100, 1)),
        positive=share.positive,
        denominator=share.denominator,
    )


def _mean(figures: QuestionFigures) -> MeanRead:
    summary = summarise(figures.moments) if figures.moments is not None else None
    if summary is None:
        return MeanRead(value=None, sd=None, interval=None, suppressed=WITHHELD)
    return MeanRead(
        value=round(summary.mean, 2),
        sd=round(summary.sd, 2) if summary.sd is not None else None,
        interval=IntervalRead(low=round(summary.interval.low, 2), high=round(summary.interval.high, 2))
        if summary.interval
        else None,
    )


def _difference(share: Share | None, other: Share | None) -> DifferenceRead | None:
    if share is None or other is None:
        return None
    difference = difference_in_points(share.value, share.interval, other.value, other.interval)
    return DifferenceRead(points=difference.points, intervals_disjoint=difference.intervals_disjoint)
