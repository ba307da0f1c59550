"""Outcome reports, aggregated at query time from per-participant facts (so erasure is immediate)."""

from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from insikt_common.auth import Principal
from reporting import access
from reporting.directory import repository as directory
from reporting.directory.models import UnitEntry
from reporting.disclosure import COMPLEMENTARY, Cell, Equation, protect, suppress_total
from reporting.outcomes import repository
from reporting.outcomes.change import Scored, changes, days_in_intervention, verdict, within_period
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
    period_from: date | None = None,
    period_to: date | None = None,
    threshold_steps: float = 1.0,
) -> OutcomeUnitReport:
    """Participants, change from baseline per instrument area, goal attainment and endings for one unit.

    ``programme`` limits the report to participants with an intervention of that kind at the unit;
    a section of it is withheld where the unit's whole report minus it would be a count below k.
    """
    unit = directory.get_or_raise(session, unit_id)
    organisation = unit.organisation_id or repository.organisation_of_unit(session, unit_id)
    access.check_unit(principal, organisation, unit_id, public=False)
    options = {"period_from": period_from, "period_to": period_to, "threshold_steps": threshold_steps}
    report = _report(session, unit, k, programme=programme, **options)  # type: ignore[arg-type]
    if programme is None:
        return report
    return _without_small_remainders(report, _report(session, unit, k, programme=None, **options), k)  # type: ignore[arg-type]


def _report(
    session: Session,
    unit: UnitEntry,
    k: int,
    *,
    programme: str | None,
    period_from: date | None,
    period_to: date | None,
    threshold_steps: float,
) -> OutcomeUnitReport:
    unit_id = unit.id
    interventions = repository.interventions(session, unit_id)
    included: set[str] | None = None
    if programme is not None:
        interventions = [i for i in interventions if i.kind == programme]
        included = {i.participant_id for i in interventions}
    assessments = [
        a for a in repository.assessments(session, unit_id) if included is None or a.participant_id in included
    ]
    instruments = repository.latest_instruments(session)

    participants = suppress_total(repository.participant_count(session, unit_id, included), k)

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
                assessments=_count(cell),
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
                participants=_count(total),
                mean_baseline=round(sum(c.baseline for c in found) / len(found), 2) if shown else None,
                mean_latest=round(sum(c.latest for c in found) / len(found), 2) if shown else None,
                mean_change=round(deltas.mean, 2) if deltas else None,
                change_interval=IntervalRead(low=round(deltas.interval.low, 2), high=round(deltas.interval.high, 2))
                if deltas and deltas.interval
                else None,
                threshold=threshold,
                improved=_count(cells["improved"]),
                unchanged=_count(cells["unchanged"]),
                worse=_count(cells["worse"]),
                **{
                    f"share_{v}": round(100 * cells[v].value / len(found), 1)  # type: ignore[operator]
                    if shown and cells[v].value is not None
                    else None
                    for v in VERDICTS
                },
            )
        )

    return OutcomeUnitReport(
        unit=UnitInfo.model_validate(unit, from_attributes=True),
        programme=programme,
        period_from=period_from.isoformat() if period_from else None,
        period_to=period_to.isoformat() if period_to else None,
        min_cell_count=k,
        participants=_count(participants),
        areas=areas,
        changes=area_changes,
        goals=_goals(session, unit_id, included, period_to, k),
        endings=_endings(interventions, period_from, period_to, k),
    )


def _goals(session: Session, unit_id: str, included: set[str] | None, until: date | None, k: int) -> GoalAttainment:
    """Each participant's T-score over their rated goals (equal weights unless set), then the mean."""
    by_participant: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for goal in repository.goals(session, unit_id, until):
        level = goal.attainment
        if level is None or goal.status == "abandoned":
            continue
        if included is None or goal.participant_id in included:
            by_participant[goal.participant_id].append((level, goal.weight))
    scores = [s for goals in by_participant.values() if (s := gas_t_score(goals)) is not None]
    cell = suppress_total(len(scores), k)
    summary = summarise(Moments.of((s, 1) for s in scores)) if cell.value is not None else None
    return GoalAttainment(
        participants=_count(cell),
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
        ended=_count(cells["ended"]),
        **{e: _count(cells[e]) for e in ENDINGS},
        median_days_in_intervention=median(days) if cells["ended"].value is not None else None,
    )


def _without_small_remainders(part: OutcomeUnitReport, whole: OutcomeUnitReport, k: int) -> OutcomeUnitReport:
    """Withhold each section of a programme's report in which some published count, subtracted
    from the same published count of the whole unit, leaves 1 to k − 1 participants."""

    def small_remainder(mine: CountCell, all_: CountCell) -> bool:
        return mine.value is not None and all_.value is not None and 0 < all_.value - mine.value < k

    hidden = CountCell(value=None, suppressed=COMPLEMENTARY)
    update: dict[str, object] = {}
    if small_remainder(part.participants, whole.participants):
        update["participants"] = hidden
    wholes = {(c.instrument_id, c.area): c for c in whole.changes}
    changes = []
    for change in part.changes:
        other = wholes.get((change.instrument_id, change.area))
        counts = ("participants", *VERDICTS)
        if other is not None and any(small_remainder(getattr(change, c), getattr(other, c)) for c in counts):
            withheld = change.model_copy(
                update={c: hidden for c in counts}
                | {f"share_{v}": None for v in VERDICTS}
                | {"mean_baseline": None, "mean_latest": None, "mean_change": None, "change_interval": None}
            )
            changes.append(withheld)
        else:
            changes.append(change)
    update["changes"] = changes
    if small_remainder(part.goals.participants, whole.goals.participants):
        update["goals"] = GoalAttainment(participants=hidden, mean_t_score=None, t_score_interval=None)
    ending_counts = ("ended", *ENDINGS)
    if any(small_remainder(getattr(part.endings, c), getattr(whole.endings, c)) for c in ending_counts):
        update["endings"] = Endings(**{c: hidden for c in ending_counts}, median_days_in_intervention=None)
    areas = {(a.instrument_id, a.area, a.occasion): a for a in whole.areas}
    update["areas"] = [
        a.model_copy(update={"assessments": hidden, "mean_score": None})
        if (other_area := areas.get((a.instrument_id, a.area, a.occasion))) is not None
        and small_remainder(a.assessments, other_area.assessments)
        else a
        for a in part.areas
    ]
    return part.model_copy(update=update)


def _count(cell: Cell) -> CountCell:
    return CountCell(value=cell.value, suppressed=cell.suppressed)
