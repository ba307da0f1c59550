"""Scores checked against the built-in instrument: one message per problem, named by field."""

from outcome_api.assessments.validation import score_errors
from outcome_api.instruments.builtin import LIVSSITUATION


def test_the_example_instrument_has_ten_areas_on_a_one_to_ten_scale() -> None:
    assert len(LIVSSITUATION.areas) == 10
    assert (LIVSSITUATION.scale.minimum, LIVSSITUATION.scale.maximum) == (1, 10)
    assert LIVSSITUATION.scale.direction == "higher_is_better"


def test_valid_scores_pass_including_a_partial_assessment() -> None:
    assert score_errors(LIVSSITUATION, {"boende": 1, "ekonomi": 10, "trygghet": 6}) == []


def test_unknown_area_is_named_by_its_field() -> None:
    errors = score_errors(LIVSSITUATION, {"boende": 5, "simning": 5})
    assert [e["field"] for e in errors] == ["scores.simning"]
    assert "unknown area" in errors[0]["message"]


def test_scores_outside_the_scale_or_between_steps_are_refused() -> None:
    errors = score_errors(LIVSSITUATION, {"boende": 0, "ekonomi": 11, "halsa": 5.5, "fritid": 7})
    assert [e["field"] for e in errors] == ["scores.boende", "scores.ekonomi", "scores.halsa"]
    assert all("from 1 to 10" in e["message"] for e in errors)


def test_an_assessment_without_scores_is_refused() -> None:
    assert [e["field"] for e in score_errors(LIVSSITUATION, {})] == ["scores"]
