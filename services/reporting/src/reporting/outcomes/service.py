"""Outcome reports, aggregated at query time from per-participant facts (so erasure is immediate)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from insikt_common.auth import Principal
from insikt_common.errors import Unprocessable, field_error
from reporting import access
from reporting.directory import repository as directory
from reporting.directory.models import UnitEntry
from reporting.disclosure import WITHHELD, Equation, protect, suppress_total
from reporting.outcomes import differencing, repository
from reporting.outcomes.change import Scored, changes, days_in_intervention, verdict, within_period
from reporting.outcomes.differencing import ALL_PROGRAMMES, ALL_TIME, WHOLE_UNIT, Member, Section
from reporting.outcomes.models import AssessmentEntry, GoalEntry, InstrumentEntry, InterventionEntry
from reporting.outcomes.schemas import AreaChange, AreaResult, Endings, GoalAttainment, OutcomeUnitReport
from reporting.statistics import Moments, gas_t_score, median, summarise
from reporting.survey_results.schemas import CountCell, IntervalRead, UnitInfo

VERDICTS = ("improved", "unchanged", "worse")
ENDINGS = ("planned", "unplanned", "moved", "other")


def unit_report(
    session: Session,
    unit_id: str,
    k: int,
    principal: Principal,
    *,
    programme: str | None = None,
    year: int | None = None,
    threshold_steps: float = 1.0,
) -> OutcomeUnitReport:
    """Participants, change from baseline per instrument area, goal attainment and endings for one unit.

    ``programme`` limits the report to participants with an intervention of that kind at the unit,
    ``year`` to one calendar year. A section is withheld where another report of the unit could be
    subtracted from it to single out fewer than k participants (``differencing``).
    """
    if programme == ALL_PROGRAMMES:
        # All programmes together are compared, never shown: the unit minus them is those in none.
        raise Unprocessable([field_error("query.programme", f"{ALL_PROGRAMMES!r} is not a programme")])
    unit = directory.get_or_raise(session, unit_id)
    organisation = unit.organisation_id or repository.organisation_of_unit(session, unit_id)
    access.check_unit(principal, organisation, unit_id, public=False)
    data = _UnitData.load(session, unit)
    requested = Member(programme, year)
    report = _report(data, k, requested, threshold_steps)
    family = {member: _section_counts(_report(data, 1, member, threshold_steps)) for member in _family(data, requested)}
    return _withhold(report, differencing.withheld(family, requested, k))


@dataclass(frozen=True)
class _UnitData:
    """Everything one unit's outcome reports are computed from, read once per request."""

    unit: UnitEntry
    participants: list[str]
    interventions: list[InterventionEntry]
    assessments: list[AssessmentEntry]
    goals: list[GoalEntry]
    instruments: dict[str, InstrumentEntry]

    @classmethod
    def load(cls, session: Session, unit: UnitEntry) -> "_UnitData":
        return cls(
            unit=unit,
            participants=repository.participant_ids(session, unit.id),
            interventions=repository.interventions(session, unit.id),
            assessments=repository.assessments(session, unit.id),
            goals=repository.goals(session, unit.id),
            instruments=repository.latest_instruments(session),
        )

    def years(self) -> set[int]:
        days = [
            *(a.assessed_on for a in self.assessments),
            *(i.ended_on for i in self.interventions if i.ended_on is not None),
            *(g.changed_on for g in self.goals),
        ]
        return {d.year for d in days}


def _family(data: _UnitData, requested: Member) -> list[Member]:
    """The unit's reports that could be subtracted from the requested one, or it from them, or added
    up against the unit's: the whole unit's and, for a programme, every programme's and all
    programmes' together, each for all time and every year. An all-time report is set beside all-time
    ones only: no year's report is an outer one of it (``differencing._nested``)."""
    years: list[int | None] = [ALL_TIME]
    if requested.year is not ALL_TIME:
        years += sorted(data.years() | {requested.year})
    programmes: list[str | None] = [WHOLE_UNIT]
    if (programme := requested.programme) is not None:
        kinds = {i.kind for i in data.interventions if i.kind not in (None, ALL_PROGRAMMES)} | {programme}
        programmes += [ALL_PROGRAMMES, *sorted(kinds)]
    return [Member(p, y) for p in programmes for y in years]


def _report(data: _UnitData, k: int, member: Member, threshold_steps: float) -> OutcomeUnitReport:
    period_from, period_to = _period(member.year)
    interventions = data.interventions
    included: set[str] | None = None
    if member.programme == ALL_PROGRAMMES:
        included = {i.participant_id for i in interventions}
    elif member.programme is not None:
        interventions = [i for i in interventions if i.kind == member.programme]
        included = {i.participant_id for i in interventions}
    assessments = [a for a in data.assessments if included is None or a.participant_id in included]
    instruments = data.instruments

    participants = suppress_total(sum(1 for p in data.participants if included is None or p in included), k)

    per_occasion: dict[tuple[str, str, str], Moments] = defaultdict(Moments)
    scored: dict[tuple[str, str], list[Scored]] = defaultdict(list)
    for a in assessments:
        for area, score in a.scores.items():
            scored[(a.instrument_id, area)].append(Scored(a.participant_id, a.occasion, a.rater, a.assessed_on, score))
            if within_period(a.assessed_on, period_from, period_to):
                per_occasion[(a.instrument_id, area, a.occasion)] += Moments(1, score, score * score)
    areas = []
    for (instrument_id, area, occasion), moments in sorted(per_occasion.items()):
        cell = suppress_total(moments.n, k)
        areas.append(
            AreaResult(
                instrument_id=instrument_id,
                area=area,
                occasion=occasion,
                assessments=CountCell.of(cell),
                mean_score=round(moments.total / moments.n, 2) if cell.value is not None else None,
            )
        )

    area_changes = []
    for (instrument_id, area), scores in sorted(scored.items()):
        found = changes(scores, period_from, period_to)
        if not found:
            continue
        instrument = instruments.get(instrument_id)
        step = instrument.step if instrument else 1.0
        higher_is_better = instrument is None or instrument.direction == "higher_is_better"
        threshold = threshold_steps * step
        verdicts = {v: 0 for v in VERDICTS}
        for change in found:
            verdicts[verdict(change, threshold, higher_is_better)] += 1
        cells = protect({"total": len(found), **verdicts}, [Equation("total", VERDICTS)], k, exempt=())
        total = cells["total"]
        shown = total.value is not None
        deltas = summarise(Moments.of((c.delta, 1) for c in found)) if shown else None
        area_changes.append(
            AreaChange(
                instrument_id=instrument_id,
                area=area,
                participants=CountCell.of(total),
                mean_baseline=round(sum(c.baseline for c in found) / len(found), 2) if shown else None,
                mean_latest=round(sum(c.latest for c in found) / len(found), 2) if shown else None,
                mean_change=round(deltas.mean, 2) if deltas else None,
                change_interval=IntervalRead(low=round(deltas.interval.low, 2), high=round(deltas.interval.high, 2))
                if deltas and deltas.interval
                else None,
                threshold=threshold,
                improved=CountCell.of(cells["improved"]),
                unchanged=CountCell.of(cells["unchanged"]),
                worse=CountCell.of(cells["worse"]),
                **{
                    f"share_{v}": round(100 * cells[v].value / len(found), 1)  # type: ignore[operator]
                    if shown and cells[v].value is not None
                    else None
                    for v in VERDICTS
                },
            )
        )

    return OutcomeUnitReport(
        unit=UnitInfo.model_validate(data.unit, from_attributes=True),
        programme=member.programme,
        year=member.year,
        min_cell_count=k,
        participants=CountCell.of(participants),
        areas=areas,
        changes=area_changes,
        goals=_goals(data.goals, included, period_to, k),
        endings=_endings(interventions, period_from, period_to, k),
    )


def _period(year: int | None) -> tuple[date | None, date | None]:
    return (None, None) if year is None else (date(year, 1, 1), date(year, 12, 31))


def _goals(goals: list[GoalEntry], included: set[str] | None, until: date | None, k: int) -> GoalAttainment:
    """Each participant's T-score over their rated goals (equal weights unless set), then the mean."""
    by_participant: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for goal in goals:
        level = goal.attainment
        if level is None or goal.status == "abandoned" or (until is not None and goal.changed_on > until):
            continue
        if included is None or goal.participant_id in included:
            by_participant[goal.participant_id].append((level, goal.weight))
    scores = [s for goals in by_participant.values() if (s := gas_t_score(goals)) is not None]
    cell = suppress_total(len(scores), k)
    summary = summarise(Moments.of((s, 1) for s in scores)) if cell.value is not None else None
    return GoalAttainment(
        participants=CountCell.of(cell),
        mean_t_score=round(summary.mean, 1) if summary else None,
        t_score_interval=IntervalRead(low=round(summary.interval.low, 1), high=round(summary.interval.high, 1))
        if summary and summary.interval
        else None,
    )


def _endings(interventions: list, period_from: date | None, period_to: date | None, k: int) -> Endings:  # type: ignore[type-arg]
    ended = [i for i in interventions if i.ended_on is not None and within_period(i.ended_on, period_from, period_to)]
    counts = {e: sum(1 for i in ended if i.ending == e) for e in ENDINGS}
    cells = protect({"ended": len(ended), **counts}, [Equation("ended", ENDINGS)], k)
    days = days_in_intervention([(i.started_on, i.ended_on) for i in ended])
    return Endings(
        ended=CountCell.of(cells["ended"]),
        **{e: CountCell.of(cells[e]) for e in ENDINGS},
        median_days_in_intervention=median(days) if cells["ended"].value is not None else None,
    )


def _section_counts(report: OutcomeUnitReport) -> dict[Section, tuple[int, ...]]:
    """Each section's counts, as computed with k = 1 (nothing withheld but zeros, read as 0)."""

    def n(cell: CountCell) -> int:
        return cell.value or 0

    counts: dict[Section, tuple[int, ...]] = {
        ("participants",): (n(report.participants),),
        ("goals",): (n(report.goals.participants),),
        ("endings",): tuple(n(getattr(report.endings, c)) for c in ("ended", *ENDINGS)),
    }
    for c in report.changes:
        counts[("change", c.instrument_id, c.area)] = tuple(n(getattr(c, v)) for v in ("participants", *VERDICTS))
    for a in report.areas:
        counts[("area", a.instrument_id, a.area, a.occasion)] = (n(a.assessments),)
    return counts


def _withhold(report: OutcomeUnitReport, sections: set[Section]) -> OutcomeUnitReport:
    """Blank the given sections: their counts withheld, their means and shares absent."""
    hidden = CountCell(value=None, suppressed=WITHHELD)
    update: dict[str, object] = {}
    if ("participants",) in sections:
        update["participants"] = hidden
    if ("goals",) in sections:
        update["goals"] = GoalAttainment(participants=hidden, mean_t_score=None, t_score_interval=None)
    if ("endings",) in sections:
        update["endings"] = Endings(**{c: hidden for c in ("ended", *ENDINGS)}, median_days_in_intervention=None)
    update["changes"] = [
        c.model_copy(
            update={v: hidden for v in ("participants", *VERDICTS)}
            | {f"share_{v}": None for v in VERDICTS}
            | {"mean_baseline": None, "mean_latest": None, "mean_change": None, "change_interval": None}
        )
        if ("change", c.instrument_id, c.area) in sections
        else c
        for c in report.changes
    ]
    update["areas"] = [
        a.model_copy(update={"assessments": hidden, "mean_score": None})
        if ("area", a.instrument_id, a.area, a.occasion) in sections
        else a
        for a in report.areas
    ]
    return report.model_copy(update=update)
