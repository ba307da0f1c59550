"""The printable pages on hand-made reports: other people's words stay text, withheld numbers are x,
numbers read as the JSON has them (and a Kolada figure that is no number never gets there)."""

from datetime import date

import pytest
from fastapi.responses import HTMLResponse

from insikt_common.errors import Unprocessable
from reporting.benchmarks import kolada
from reporting.outcomes.schemas import AreaChange, AreaResult, Endings, GoalAttainment, OutcomeUnitReport
from reporting.report_page import outcome_page, survey_page
from reporting.survey_results import schemas as r

HOSTILE = '<x-evil onmouseover="alert(1)">&</x-evil>'
ESCAPED = "&lt;x-evil onmouseover=&quot;alert(1)&quot;&gt;&amp;&lt;/x-evil&gt;"
WITHHELD = r.CountCell(value=None, suppressed="withheld")
UNIT = r.UnitInfo(id="U1", name=HOSTILE, type=HOSTILE, municipality_code="0580")


def text(response: HTMLResponse) -> str:
    return bytes(response.body).decode()


def shown(count: int) -> r.CountCell:
    return r.CountCell(value=count)


def survey_report() -> r.SurveyReport:
    share = r.ShareRead(percent=62.5, interval=r.IntervalRead(low=40.9, high=80.0), positive=10, denominator=16)
    hidden_share = r.ShareRead(percent=None, interval=None, positive=None, denominator=None, suppressed="withheld")
    compared = r.Comparison(
        level="riket",
        key=HOSTILE,
        label=HOSTILE,
        share_positive=share,
        difference=r.DifferenceRead(points=-4.3, intervals_disjoint=True),
    )
    rating = r.QuestionResult(
        link_id="betyg",
        text=HOSTILE,
        kind="integer",
        n=shown(16),
        answers=[],
        mean=r.MeanRead(value=7.25, sd=1.5, interval=r.IntervalRead(low=6.45, high=8.05)),
        comparisons=[
            r.Comparison(level="riket", key="r", label="Riket", mean=r.MeanRead(value=6.75, sd=2.0, interval=None))
        ],
    )
    choice = r.QuestionResult(
        link_id="bemotande",
        text="Bemötande",
        n=shown(16),
        answers=[r.AnswerRow(answer="1", label=HOSTILE, count=shown(10)), r.AnswerRow(answer="9", count=WITHHELD)],
        share_positive=share,
        comparisons=[
            compared,
            r.Comparison(level="municipality", key="0580", label="Kommun", share_positive=hidden_share),
        ],
        breakdowns=[
            r.Breakdown(
                by="betyg",
                groups=[
                    r.BreakdownGroup(answer="K", label=HOSTILE, n=9, share_positive=share),
                    r.BreakdownGroup(answer="none", label=None, n=7, share_positive=share),
                ],
            )
        ],
    )
    return r.SurveyReport(
        round_id="R1",
        round=r.RoundInfo(
            round_id="R1",
            title=HOSTILE,
            organisation_id="org",
            questionnaire_id="q",
            questionnaire_version=1,
            opens_on=date(2026, 3, 1),
            closes_on=date(2026, 4, 30),
            closed_on=None,
            public=False,
        ),
        level=r.LevelInfo(kind="unit", key="U1", name=HOSTILE),
        unit=UNIT,
        min_cell_count=5,
        responses=shown(16),
        questions=[choice, rating],
        areas=[],
        comments=[r.CommentGroup(link_id="kommentar", text=HOSTILE, comments=[HOSTILE, "Bra"])],
    )


def test_a_survey_page_shows_every_word_from_the_report_as_text() -> None:
    page = text(survey_page(survey_report()))
    assert "<x-evil" not in page
    assert page.count(ESCAPED) >= 9  # title ×2, unit, comparison, answer, question, breakdown group, comments ×2


def test_a_survey_page_marks_withheld_numbers_x_and_reads_numbers_as_the_json_has_them() -> None:
    page = text(survey_page(survey_report()))
    assert "<tr><td>9</td><td class=num>x</td></tr>" in page
    assert "Kommun: x" in page
    assert "62,5 % (40,9–80,0)" in page
    assert f'{ESCAPED}: 62,5 % (−4,3 procentenheter <span class="flag">*</span>)' in page
    assert "medelvärde: 7,25 (6,45–8,05), standardavvikelse 1,5" in page
    assert "<tr><td>Riket</td><td class=num>6,75, standardavvikelse 2,0</td></tr>" in page
    assert f"Efter {ESCAPED}" in page and "<td>Uppgift saknas</td>" in page
    headers = survey_page(survey_report()).headers
    assert headers["cache-control"] == "private, no-store" and headers["vary"] == "Authorization"


def outcome_report(*, ended: r.CountCell, median: float | None) -> OutcomeUnitReport:
    return OutcomeUnitReport(
        unit=UNIT,
        programme=HOSTILE,
        year=2026,
        min_cell_count=5,
        participants=shown(12),
        areas=[
            AreaResult(instrument_id=HOSTILE, area=HOSTILE, occasion="baseline", assessments=shown(12), mean_score=4.5),
            AreaResult(instrument_id="i", area="a", occasion="follow_up", assessments=WITHHELD, mean_score=None),
        ],
        changes=[
            AreaChange(
                instrument_id="i",
                area="boende",
                participants=shown(12),
                mean_baseline=4.25,
                mean_latest=5.5,
                mean_change=1.25,
                change_interval=r.IntervalRead(low=-0.5, high=3.0),
                threshold=0.25,
                improved=shown(8),
                unchanged=WITHHELD,
                worse=WITHHELD,
                share_improved=66.7,
                share_unchanged=None,
                share_worse=None,
            )
        ],
        goals=GoalAttainment(participants=WITHHELD, mean_t_score=None, t_score_interval=None),
        endings=Endings(
            ended=ended,
            planned=ended,
            unplanned=shown(0),
            moved=shown(0),
            other=shown(0),
            median_days_in_intervention=median,
        ),
    )


def test_an_outcome_page_shows_the_reports_figures_as_the_json_has_them() -> None:
    page = text(outcome_page(outcome_report(ended=shown(0), median=None)))
    assert "<x-evil" not in page
    assert f"Insats: {ESCAPED}" in page and page.count(ESCAPED) >= 4
    row = "<td class=num>12</td><td class=num>4,25</td><td class=num>5,5</td><td class=num>1,25 (−0,50–3,00)</td>"
    assert row in page
    assert "<td class=num>0,25</td><td class=num>8 (66,7 %)</td><td class=num>x</td><td class=num>x</td>" in page
    assert "<td>Baslinje</td>" in page and "<td>Uppföljning</td><td class=num>x</td><td class=num>x</td>" in page
    assert "<tr><td>Deltagare med skattade mål</td><td class=num>x</td></tr>" in page
    # Nothing ended: no median, which is not withheld.
    assert "<tr><td>Tid i insats, median (dagar)</td><td class=num>–</td></tr>" in page


def test_an_outcome_page_withholds_the_median_with_the_endings() -> None:
    page = text(outcome_page(outcome_report(ended=WITHHELD, median=None)))
    assert "<tr><td>Avslutade</td><td class=num>x</td></tr>" in page
    assert "<tr><td>Tid i insats, median (dagar)</td><td class=num>x</td></tr>" in page


def test_a_kolada_value_that_is_not_a_number_is_refused_naming_its_entry() -> None:
    entry = {"kpi": "U1", "municipality": "0580", "period": 2024, "values": [{"gender": "T", "value": "NaN"}]}
    with pytest.raises(Unprocessable) as refused:
        kolada.parse({"values": [entry, {**entry, "values": [{"gender": "T", "value": 81.5}]}]})
    assert [problem["field"] for problem in refused.value.detail] == ["values.0"]
