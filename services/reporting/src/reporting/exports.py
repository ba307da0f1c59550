"""CSV exports: one row per number, the same numbers as the JSON reports.

UTF-8 with a byte-order mark so Excel reads å, ä and ö. ``sep=","`` writes decimal points;
``sep=";"`` is for Swedish Excel, which reads ``;`` as the separator and ``,`` as the decimal sign.
"""

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response

from reporting.outcomes.schemas import OutcomeUnitReport
from reporting.survey_results.schemas import CountCell, IntervalRead, MeanRead, QuestionResult, ShareRead, SurveyReport

Separator = Literal[",", ";"]
SeparatorQuery = Annotated[Separator, Query(description="`;` for Swedish Excel (decimal comma), `,` otherwise")]
COLUMNS = ["level", "key", "section", "item", "answer", "measure", "value", "low", "high", "suppressed"]
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, UTF-8 with BOM"}
}

Row = dict[str, Any]


def survey_csv(report: SurveyReport, sep: Separator, name: str) -> Response:
    return _csv(_survey_rows(report), sep, name)


def outcome_csv(report: OutcomeUnitReport, sep: Separator, name: str) -> Response:
    return _csv(_outcome_rows(report), sep, name)


def _survey_rows(report: SurveyReport) -> Iterator[Row]:
    base = {"level": report.level.kind, "key": report.level.key}
    yield from _count(base | {"section": "responses"}, report.responses)
    if report.response_rate is not None:
        rate = report.response_rate
        yield base | {
            "section": "response_rate",
            "measure": "percent",
            "value": rate.percent,
            "suppressed": rate.suppressed,
        }
        yield base | {"section": "response_rate", "measure": "codes_issued", "value": rate.codes_issued}
    for q in report.questions:
        yield from _question_rows(base, q)
    for area in report.areas:
        row = base | {"section": "area_index", "item": area.area}
        yield from _share(row, area.index)
        for c in area.comparisons:
            compared = row | {"section": f"area_index:{c.level}", "answer": c.key}
            if c.share_positive is not None:
                yield from _share(compared, c.share_positive)
            if c.difference is not None:
                yield compared | {"measure": "difference_points", "value": c.difference.points}
    for unit in report.units:
        yield from _count(base | {"section": "unit", "item": unit.unit_id, "measure": "responses"}, unit.responses)


def _question_rows(base: Row, q: QuestionResult) -> Iterator[Row]:
    row = base | {"section": "question", "item": q.link_id}
    yield from _count(row | {"measure": "n"}, q.n)
    for answer in q.answers:
        yield from _count(row | {"answer": answer.answer, "measure": "count"}, answer.count)
    if q.share_positive is not None:
        yield from _share(row, q.share_positive)
    if q.mean is not None:
        yield from _mean(row, q.mean)
    for c in q.comparisons:
        compared = row | {"section": f"comparison:{c.level}", "answer": c.key}
        if c.n is not None:
            yield from _count(compared | {"measure": "n"}, c.n)
        if c.share_positive is not None:
            yield from _share(compared, c.share_positive)
        if c.mean is not None:
            yield from _mean(compared, c.mean)
        if c.difference is not None:
            yield compared | {"measure": "difference_points", "value": c.difference.points}
            yield compared | {"measure": "intervals_disjoint", "value": int(c.difference.intervals_disjoint)}
    for breakdown in q.breakdowns:
        for group in breakdown.groups:
            grouped = row | {"section": f"breakdown:{breakdown.by}", "answer": group.answer}
            yield grouped | {"measure": "n", "value": group.n}
            yield from _share(grouped, group.share_positive)


def _outcome_rows(report: OutcomeUnitReport) -> Iterator[Row]:
    base = {"level": "unit", "key": report.unit.id}
    yield from _count(base | {"section": "participants", "measure": "n"}, report.participants)
    for area in report.areas:
        row = base | {"section": "assessments", "item": f"{area.instrument_id}/{area.area}", "answer": area.occasion}
        yield from _count(row | {"measure": "n"}, area.assessments)
        yield row | {"measure": "mean_score", "value": area.mean_score, "suppressed": area.assessments.suppressed}
    for change in report.changes:
        row = base | {"section": "change", "item": f"{change.instrument_id}/{change.area}"}
        yield from _count(row | {"measure": "participants"}, change.participants)
        hidden = change.participants.suppressed
        yield row | {"measure": "mean_baseline", "value": change.mean_baseline, "suppressed": hidden}
        yield row | {"measure": "mean_latest", "value": change.mean_latest, "suppressed": hidden}
        interval = change.change_interval
        yield row | {
            "measure": "mean_change",
            "value": change.mean_change,
            "low": interval.low if interval else None,
            "high": interval.high if interval else None,
            "suppressed": hidden,
        }
        yield row | {"measure": "threshold", "value": change.threshold}
        for verdict in ("improved", "unchanged", "worse"):
            cell: CountCell = getattr(change, verdict)
            yield from _count(row | {"answer": verdict, "measure": "count"}, cell)
            yield row | {
                "answer": verdict,
                "measure": "percent",
                "value": getattr(change, f"share_{verdict}"),
                "suppressed": cell.suppressed,
            }
    goals = report.goals
    row = base | {"section": "goal_attainment"}
    yield from _count(row | {"measure": "participants"}, goals.participants)
    interval = goals.t_score_interval
    yield row | {
        "measure": "mean_t_score",
        "value": goals.mean_t_score,
        "low": interval.low if interval else None,
        "high": interval.high if interval else None,
        "suppressed": goals.participants.suppressed,
    }
    endings = report.endings
    row = base | {"section": "endings"}
    for ending in ("ended", "planned", "unplanned", "moved", "other"):
        yield from _count(row | {"answer": ending, "measure": "count"}, getattr(endings, ending))
    yield row | {
        "measure": "median_days_in_intervention",
        "value": endings.median_days_in_intervention,
        "suppressed": endings.ended.suppressed,
    }


def _count(row: Row, cell: CountCell) -> Iterator[Row]:
    yield row | {"measure": row.get("measure", "count"), "value": cell.value, "suppressed": cell.suppressed}


def _share(row: Row, share: ShareRead) -> Iterator[Row]:
    yield _estimate(row, "share_positive_percent", share.percent, share.interval, share.suppressed)
    if share.denominator is not None:
        yield row | {"measure": "share_positive_denominator", "value": share.denominator}


def _mean(row: Row, mean: MeanRead) -> Iterator[Row]:
    yield _estimate(row, "mean", mean.value, mean.interval, mean.suppressed)
    yield row | {"measure": "sd", "value": mean.sd, "suppressed": mean.suppressed}


def _estimate(
    row: Row, measure: str, value: float | None, interval: IntervalRead | None, suppressed: str | None
) -> Row:
    """A figure with its 95 % interval in the ``low`` and ``high`` columns."""
    return row | {
        "measure": measure,
        "value": value,
        "low": interval.low if interval else None,
        "high": interval.high if interval else None,
        "suppressed": suppressed,
    }


def _csv(rows: Iterator[Row], sep: Separator, name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_format(row.get(column), sep) for column in COLUMNS])
    return Response(
        content="\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _format(value: Any, sep: Separator) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if sep == ";" else text
    return str(value)
