"""The example questionnaires: valid, complete in Swedish and English, loadable through the API."""

import pytest
from fastapi.testclient import TestClient

from survey_api import examples
from survey_api.questionnaires.schemas import QuestionnaireContent, walk
from survey_api.questionnaires.translation import localise


@pytest.mark.parametrize("name", examples.names())
def test_every_text_of_every_example_has_an_english_translation(name: str) -> None:
    content = QuestionnaireContent.model_validate(examples.load(name))
    english, swedish = localise(content, "en"), localise(content, "sv")
    assert english.title != swedish.title
    for en_item, sv_item in zip(walk(english.item), walk(swedish.item), strict=True):
        assert en_item.text != sv_item.text, sv_item.link_id
        for en_option, sv_option in zip(en_item.answer_option, sv_item.answer_option, strict=True):
            assert en_option.display, sv_option.code
    assert {i.area for i in walk(content.item) if i.type == "choice" and i.area}, "items belong to quality areas"


def test_the_four_examples_cover_the_kinds_of_survey_asked_for() -> None:
    assert examples.names() == ["ifo-vuxna", "lss-lattlast", "placerande-betyg", "unga-placerade"]
    kinds = {
        n: {i.kind for i in walk(QuestionnaireContent.model_validate(examples.load(n)).item)} for n in examples.names()
    }
    assert {"background_gender", "background_age", "choice", "yes_no", "free_text"} <= kinds["ifo-vuxna"]
    assert "rating" in kinds["placerande-betyg"]
    assert {"background_gender", "background_age"} <= kinds["unga-placerade"]


def test_an_example_is_loaded_as_a_draft_and_can_be_published(client: TestClient) -> None:
    listed = client.get("/v1/questionnaires/examples").json()
    assert [e["name"] for e in listed] == examples.names()
    loaded = client.post("/v1/questionnaires/examples/lss-lattlast")
    assert loaded.status_code == 201
    assert loaded.json()["status"] == "draft"
    assert client.post(f"/v1/questionnaires/{loaded.json()['id']}/publish").status_code == 200
    assert client.post("/v1/questionnaires/examples/no-such").status_code == 404
