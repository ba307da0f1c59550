"""Answer validation against a questionnaire: plain functions, no I/O."""

from collections.abc import Mapping

import pytest
from pydantic import TypeAdapter

from insikt_common.contracts.survey import AnswerValue
from survey_api.questionnaires.schemas import QuestionnaireContent
from survey_api.questionnaires.translation import choose_language
from survey_api.responses.validation import answer_errors

YES_NO = [{"code": "ja", "display": "Ja"}, {"code": "nej", "display": "Nej"}]
QUESTIONNAIRE = QuestionnaireContent.model_validate(
    {
        "title": "T",
        "item": [
            {
                "linkId": "kontakt",
                "text": "Har du haft kontakt?",
                "type": "choice",
                "kind": "yes_no",
                "required": True,
                "answerOption": YES_NO,
            },
            {
                "linkId": "kontakten",
                "text": "Om kontakten",
                "type": "group",
                "enableWhen": [{"question": "kontakt", "operator": "=", "answerCode": "ja"}],
                "item": [
                    {"linkId": "nojd", "text": "Nöjd?", "type": "choice", "required": True, "answerOption": YES_NO},
                    {
                        "linkId": "varfor",
                        "text": "Varför inte?",
                        "type": "text",
                        "enableWhen": [{"question": "nojd", "operator": "=", "answerCode": "nej"}],
                    },
                ],
            },
        ],
    }
)


def _errors(*answers: Mapping[str, object]) -> list[str]:
    values = [TypeAdapter(AnswerValue).validate_python(a) for a in answers]
    return [e["message"] for e in answer_errors(QUESTIONNAIRE.item, values, max_text=100)]


def test_items_inside_an_enabled_group_are_asked_and_required() -> None:
    assert _errors({"link_id": "kontakt", "code": "ja"}) == ["required item 'nojd' is missing"]
    assert _errors({"link_id": "kontakt", "code": "ja"}, {"link_id": "nojd", "code": "ja"}) == []


def test_a_disabled_group_is_neither_required_nor_accepted() -> None:
    assert _errors({"link_id": "kontakt", "code": "nej"}) == []
    assert _errors({"link_id": "kontakt", "code": "nej"}, {"link_id": "nojd", "code": "ja"}) == [
        "nojd: not asked given the earlier answers"
    ]


def test_a_follow_up_question_is_taken_only_after_the_answer_that_opens_it() -> None:
    base = [{"link_id": "kontakt", "code": "ja"}]
    assert _errors(*base, {"link_id": "nojd", "code": "nej"}, {"link_id": "varfor", "text": "Svårt"}) == []
    assert _errors(*base, {"link_id": "nojd", "code": "ja"}, {"link_id": "varfor", "text": "Svårt"}) == [
        "varfor: not asked given the earlier answers"
    ]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"question": "senare", "operator": "=", "answerCode": "ja"}, "enableWhen must name an earlier question"),
        ({"question": "kontakt", "operator": "=", "answerCode": "kanske"}, "is not an option"),
        ({"question": "kontakt", "operator": "exists"}, "takes answerBoolean only"),
    ],
)
def test_unsound_enable_when_is_refused_when_the_questionnaire_is_written(
    condition: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        QuestionnaireContent.model_validate(
            {
                "title": "T",
                "item": [
                    {"linkId": "kontakt", "text": "?", "type": "choice", "answerOption": YES_NO},
                    {"linkId": "x", "text": "?", "type": "text", "enableWhen": [condition]},
                    {"linkId": "senare", "text": "?", "type": "choice", "answerOption": YES_NO},
                ],
            }
        )


@pytest.mark.parametrize(
    ("lang", "accept", "expected"),
    [
        (None, None, "sv"),
        ("en", "sv", "en"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "fi, ar;q=0.8", "ar"),
        (None, "de, fr;q=0.5", "sv"),
        ("EN", None, "en"),
        (None, "ar;q=0, en;q=0.1", "en"),
        ("xx", "en", "en"),
    ],
)
def test_the_language_is_the_parameter_then_accept_language_then_swedish(
    lang: str | None, accept: str | None, expected: str
) -> None:
    assert choose_language(lang, accept, {"sv", "en", "ar"}) == expected
