"""Survey and outcome reports as printable HTML pages: the numbers of the JSON reports, for reading
and printing.

In Swedish, like the people who read it (a unit manager, a quality developer, a social welfare
committee); the browser's Print makes the PDF (an A4 print style is included). Built from the
``SurveyReport`` or ``OutcomeUnitReport`` the JSON endpoint returns, so a page can show nothing the
JSON withholds: every withheld number is one mark, ``x``, as in official Swedish statistics.

Everything taken from the report is escaped (question texts come from questionnaires, comments from
respondents), and the page carries no script: its Content-Security-Policy allows none.
"""

import math
from collections.abc import Iterator
from html import escape

from fastapi.responses import HTMLResponse

from reporting.outcomes.schemas import OutcomeUnitReport
from reporting.survey_results.schemas import (
    Comparison,
    CountCell,
    IntervalRead,
    MeanRead,
    QuestionResult,
    RateRead,
    ShareRead,
    SurveyReport,
)

WITHHELD = "x"
NOTHING = "–"
POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
META_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""Also in the page itself, for a client that fetches it with a token and shows it from memory."""
LEVELS = {"unit": "Enhet", "municipality": "Kommun", "unit_type": "Verksamhetstyp"}
COMMENTS_WITHHELD = {
    "public report": "Kommentarer visas inte i en offentlig rapport.",
    "response count withheld": "Kommentarer visas inte när enhetens antal svar inte redovisas.",
}
NO_ANSWER = "Uppgift saknas"
OCCASIONS = {"baseline": "Baslinje", "follow_up": "Uppföljning", "exit": "Avslut", "post_exit": "Efter avslut"}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { margin: 1.5rem 0 0.3rem; font-size: 1.05rem; }
.meta { color: #555; margin: 0; }
table { border-collapse: collapse; margin: 0.4rem 0; }
th, td { text-align: left; padding: 0.15rem 0.8rem 0.15rem 0; vertical-align: middle; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { position: relative; width: 12rem; height: 0.9rem; background: #eee; overflow: hidden; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; background: #3b6ea5; }
.bar i { position: absolute; top: 0.4rem; height: 0.1rem; background: #111; }
.legend { font-size: 0.9rem; color: #444; border-left: 3px solid #3b6ea5; padding-left: 0.6rem; }
.flag { font-weight: bold; }
section.question { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } a { color: inherit; text-decoration: none; } }
@page { size: A4; margin: 15mm; }
"""


def survey_page(report: SurveyReport) -> HTMLResponse:
    return _html(_survey(report))


def outcome_page(report: OutcomeUnitReport) -> HTMLResponse:
    return _html(_outcomes(report))


def _html(parts: Iterator[str]) -> HTMLResponse:
    """Never kept by a cache: the same address gives comments to a token and none without one."""
    headers = {
        "Content-Security-Policy": POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Vary": "Authorization",
    }
    return HTMLResponse("\n".join(parts), headers=headers)


def _head(title: str) -> Iterator[str]:
    yield '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
    yield f'<meta http-equiv="Content-Security-Policy" content="{META_POLICY}">'
    yield f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"


def _legend(k: int, what: str, more: str) -> str:
    return (
        f'<p class="legend">{WITHHELD} = ej redovisat: färre än {k} {what}, eller skyddat så att inget sådant tal '
        f"kan räknas fram ur andra. {more}</p>"
    )


def _survey(report: SurveyReport) -> Iterator[str]:
    title = report.round.title or report.round_id
    yield from _head(f"{title}: {report.level.name}")
    yield f"<h1>{escape(title)}</h1>"
    yield f'<p class="meta">{LEVELS[report.level.kind]}: {escape(report.level.name)}{_period(report)}</p>'
    yield f'<p class="meta">Svar: {_count(report.responses)}{_rate(report.response_rate)}</p>'
    yield _legend(
        report.min_cell_count,
        "svar",
        "Andel positiva = positiva svar av alla svar utom Vet inte och Ej aktuellt, med 95 % konfidensintervall "
        "(linjen). Skillnad = den här nivån minus jämförelsen, i procentenheter; <b>*</b> = intervallen "
        "överlappar inte.",
    )
    if report.areas:
        yield "<h2>Kvalitetsområden</h2>"
        rows = [(area.area, area.index, area.comparisons) for area in report.areas]
        yield from _shares_table("Område", rows)
    yield "<h2>Frågor</h2>"
    texts = {question.link_id: question.text or question.link_id for question in report.questions}
    for question in report.questions:
        yield from _question(question, report.level.name, texts)
    if report.units:
        yield "<h2>Enheter</h2><table><tr><th>Enhet</th><th class=num>Svar</th></tr>"
        for unit in report.units:
            yield _row(_td(escape(unit.unit_name)), _num(_count(unit.responses)))
        yield "</table>"
    yield from _comments(report)
    yield "</body></html>"


def _question(question: QuestionResult, name: str, texts: dict[str, str]) -> Iterator[str]:
    yield '<section class="question">'
    yield f"<h3>{escape(question.text or question.link_id)}</h3>"
    yield f'<p class="meta">Svarande: {_count(question.n)}{_mean(question.mean)}</p>'
    if question.share_positive is not None:
        yield from _shares_table("", [(name, question.share_positive, question.comparisons)])
    elif means := [c for c in question.comparisons if c.mean is not None]:
        yield "<table><tr><th>Jämfört med</th><th class=num>Medelvärde</th></tr>"
        for c in means:
            assert c.mean is not None
            yield _row(_td(escape(c.label)), _num(_mean(c.mean, prefix="")))
        yield "</table>"
    if question.answers:
        yield "<table><tr><th>Svar</th><th class=num>Antal</th></tr>"
        for row in question.answers:
            yield _row(_td(escape(row.label or row.answer)), _num(_count(row.count)))
        yield "</table>"
    for breakdown in question.breakdowns:
        by = escape(texts.get(breakdown.by, breakdown.by))
        yield f"<table><tr><th>Efter {by}</th><th class=num>Svarande</th><th class=num>Andel positiva</th></tr>"
        for group in breakdown.groups:
            label = NO_ANSWER if group.answer == "none" else group.label or group.answer
            yield _row(_td(escape(label)), _num(str(group.n)), _num(_share(group.share_positive)))
        yield "</table>"
    yield "</section>"


def _shares_table(heading: str, rows: list[tuple[str, ShareRead, list[Comparison]]]) -> Iterator[str]:
    yield f"<table><tr><th>{heading}</th><th class=num>Andel positiva</th><th></th><th>Jämfört med</th></tr>"
    for name, share, comparisons in rows:
        compared = "<br>".join(_comparison(c) for c in comparisons if c.share_positive is not None)
        yield _row(_td(escape(name)), _num(_share(share)), _td(_bar(share)), _td(compared))
    yield "</table>"


def _comparison(comparison: Comparison) -> str:
    assert comparison.share_positive is not None
    text = f"{escape(comparison.label)}: {_share(comparison.share_positive, interval=False)}"
    if (difference := comparison.difference) is not None:
        flag = ' <span class="flag">*</span>' if difference.intervals_disjoint else ""
        text += f" ({_signed(difference.points)} procentenheter{flag})"
    return text


def _comments(report: SurveyReport) -> Iterator[str]:
    if report.level.kind != "unit":
        return
    yield "<h2>Kommentarer</h2>"
    if report.comments is None:
        reason = COMMENTS_WITHHELD.get(report.comments_withheld or "", "Kommentarer visas inte.")
        yield f'<p class="meta">{escape(reason.format(k=report.min_cell_count))}</p>'
        return
    if not any(group.comments for group in report.comments):
        yield '<p class="meta">Inga kommentarer.</p>'
    for group in report.comments:
        if group.comments:
            yield f"<h3>{escape(group.text or group.link_id)}</h3><ul>"
            yield "".join(f"<li>{escape(comment)}</li>" for comment in group.comments)
            yield "</ul>"


def _outcomes(report: OutcomeUnitReport) -> Iterator[str]:
    yield from _head(f"Resultat över tid: {report.unit.name}")
    yield f"<h1>Resultat över tid: {escape(report.unit.name)}</h1>"
    scope = f"Insats: {escape(report.programme)}" if report.programme else "Alla insatser"
    period = f"år {report.year}" if report.year else "hela tiden"
    yield f'<p class="meta">{scope}; {period}. Deltagare: {_count(report.participants)}</p>'
    yield _legend(
        report.min_cell_count,
        "deltagare eller bedömningar",
        "Förändring = senaste bedömning minus baslinjen i skalpoäng, medelvärde med 95 % konfidensintervall (där "
        "lägre är bättre är en minskning en förbättring). Förbättrad = en förändring på minst tröskeln (skalpoäng) "
        "i områdets goda riktning, försämrad = minst tröskeln mot den, oförändrad = däremellan.",
    )
    yield "<h2>Förändring per område</h2>"
    yield (
        "<table><tr><th>Instrument</th><th>Område</th><th class=num>Deltagare</th><th class=num>Baslinje</th>"
        "<th class=num>Senaste</th><th class=num>Förändring</th><th class=num>Tröskel</th>"
        "<th class=num>Förbättrade</th><th class=num>Oförändrade</th><th class=num>Försämrade</th></tr>"
    )
    for change in report.changes:
        shift = _maybe(change.mean_change) + _interval(change.change_interval, 2)
        yield _row(
            _td(escape(change.instrument_id)),
            _td(escape(change.area)),
            _num(_count(change.participants)),
            _num(_maybe(change.mean_baseline)),
            _num(_maybe(change.mean_latest)),
            _num(shift),
            _num(_figure(change.threshold)),
            _num(_part(change.improved, change.share_improved)),
            _num(_part(change.unchanged, change.share_unchanged)),
            _num(_part(change.worse, change.share_worse)),
        )
    yield "</table><h2>Bedömningar</h2>"
    yield (
        "<table><tr><th>Instrument</th><th>Område</th><th>Tillfälle</th><th class=num>Bedömningar</th>"
        "<th class=num>Medelvärde</th></tr>"
    )
    for area in report.areas:
        yield _row(
            _td(escape(area.instrument_id)),
            _td(escape(area.area)),
            _td(escape(OCCASIONS.get(area.occasion, area.occasion))),
            _num(_count(area.assessments)),
            _num(_maybe(area.mean_score)),
        )
    goals, endings = report.goals, report.endings
    t_score = _maybe(goals.mean_t_score) + _interval(goals.t_score_interval)
    yield "</table><h2>Måluppfyllelse (GAS)</h2><table>"
    yield _row(_td("Deltagare med skattade mål"), _num(_count(goals.participants)))
    yield _row(_td("T-värde, medel (50 = förväntad nivå)"), _num(t_score))
    yield "</table><h2>Avslutade insatser</h2><table>"
    for label, cell in (
        ("Avslutade", endings.ended),
        ("Planerat avslut", endings.planned),
        ("Oplanerat avslut (sammanbrott, avbrott)", endings.unplanned),
        ("Flytt", endings.moved),
        ("Annat", endings.other),
    ):
        yield _row(_td(label), _num(_count(cell)))
    median = endings.median_days_in_intervention
    shown = _maybe(median) if median is not None or endings.ended.suppressed else NOTHING
    yield _row(_td("Tid i insats, median (dagar)"), _num(shown))
    yield "</table></body></html>"


def _part(cell: CountCell, percent: float | None) -> str:
    return _count(cell) + (f" ({_decimal(percent)} %)" if percent is not None else "")


def _maybe(value: float | None) -> str:
    """A figure that is withheld (null) with the count it comes from."""
    return WITHHELD if value is None else _figure(value)


def _figure(value: float) -> str:
    """One decimal, or two where the JSON has two."""
    return _decimal(value, 2 if value != round(value, 1) else 1)


def _row(*cells: str) -> str:
    return f"<tr>{''.join(cells)}</tr>"


def _td(html: str) -> str:
    return f"<td>{html}</td>"


def _num(html: str) -> str:
    return f"<td class=num>{html}</td>"


def _count(cell: CountCell) -> str:
    return WITHHELD if cell.suppressed is not None or cell.value is None else str(cell.value)


def _share(share: ShareRead, *, interval: bool = True) -> str:
    if share.percent is None:
        return WITHHELD if share.suppressed == "withheld" else NOTHING
    return f"{_decimal(share.percent)} %" + (_interval(share.interval) if interval else "")


def _bar(share: ShareRead) -> str:
    if share.percent is None:
        return ""
    whisker = ""
    if share.interval is not None:
        low, high = share.interval.low, share.interval.high
        whisker = f'<i style="left:{low:.1f}%;width:{max(high - low, 0.5):.1f}%"></i>'
    return f'<div class="bar"><span style="width:{share.percent:.1f}%"></span>{whisker}</div>'


def _mean(mean: MeanRead | None, prefix: str = "; medelvärde: ") -> str:
    if mean is None:
        return ""
    if mean.value is None:
        return f"{prefix}{WITHHELD}"
    spread = f", standardavvikelse {_figure(mean.sd)}" if mean.sd is not None else ""
    return f"{prefix}{_figure(mean.value)}{_interval(mean.interval, 2)}{spread}"


def _rate(rate: RateRead | None) -> str:
    if rate is None:
        return ""
    percent = WITHHELD if rate.percent is None else f"{_decimal(rate.percent)} %"
    return f"; svarsfrekvens: {percent} av {rate.codes_issued} utlämnade koder"


def _period(report: SurveyReport) -> str:
    opens, closes = report.round.opens_on, report.round.closes_on
    return f"; {opens.isoformat()} – {closes.isoformat()}" if opens and closes else ""


def _interval(interval: IntervalRead | None, places: int = 1) -> str:
    return "" if interval is None else f" ({_decimal(interval.low, places)}–{_decimal(interval.high, places)})"


def _decimal(value: float, places: int = 1) -> str:
    """Swedish: decimal comma, a true minus sign."""
    if not math.isfinite(value):
        return NOTHING
    return f"{value:.{places}f}".replace(".", ",").replace("-", "−")


def _signed(value: float) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + _decimal(abs(value))
