"""FHIR Questionnaire import and export, and QuestionnaireResponse export."""

import copy
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from insikt_common import clock
from survey_api.questionnaires.fhir import questionnaire_from_fhir, questionnaire_to_fhir
from survey_api.questionnaires.schemas import QuestionnaireContent

T = "http://hl7.org/fhir/StructureDefinition/translation"
EXT = "https://insikt.se/fhir/StructureDefinition"
SYSTEM = "https://insikt.se/fhir/CodeSystem/answer"


def _tr(lang: str, text: str) -> dict[str, Any]:
    return {
        "extension": [
            {"url": T, "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": text}]}
        ]
    }


def _option(code: str, display: str, english: str, order: int, *flags: str) -> dict[str, Any]:
    extension: list[dict[str, Any]] = [{"url": f"{EXT}/option-order", "valueInteger": order}]
    extension += [{"url": f"{EXT}/option-{flag}", "valueBoolean": True} for flag in flags]
    return {
        "extension": extension,
        "valueCoding": {"system": SYSTEM, "code": code, "display": display, "_display": _tr("en", english)},
    }


DOCUMENT: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "title": "Stöd i vardagen",
    "_title": _tr("en", "Support in everyday life"),
    "item": [
        {
            "linkId": "kon",
            "text": "Är du",
            "_text": _tr("en", "Are you"),
            "type": "choice",
            "extension": [{"url": f"{EXT}/item-kind", "valueCode": "background_gender"}],
            "answerOption": [
                _option("k", "Kvinna", "Woman", 1),
                _option("m", "Man", "Man", 2),
                _option("a", "Annat / vill inte svara", "Other / prefer not to say", 3, "non-substantive"),
            ],
        },
        {
            "linkId": "stod",
            "text": "Stödet",
            "_text": _tr("en", "The support"),
            "type": "group",
            "item": [
                {
                    "linkId": "fatt",
                    "text": "Har du fått stöd?",
                    "_text": _tr("en", "Have you had support?"),
                    "type": "choice",
                    "extension": [
                        {"url": f"{EXT}/item-kind", "valueCode": "yes_no"},
                        {"url": f"{EXT}/quality-area", "valueCode": "tillganglighet"},
                    ],
                    "required": True,
                    "answerOption": [_option("ja", "Ja", "Yes", 1, "positive"), _option("nej", "Nej", "No", 2)],
                },
                {
                    "linkId": "betyg",
                    "text": "Betyg 1–10",
                    "_text": _tr("en", "Rating 1–10"),
                    "type": "integer",
                    "extension": [
                        {"url": f"{EXT}/item-kind", "valueCode": "rating"},
                        {"url": f"{EXT}/quality-area", "valueCode": "forandring"},
                        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 1},
                        {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10},
                    ],
                    "enableWhen": [
                        {"question": "fatt", "operator": "=", "answerCoding": {"system": SYSTEM, "code": "ja"}}
                    ],
                },
            ],
        },
        {
            "linkId": "ovrigt",
            "text": "Något mer?",
            "type": "text",
            "extension": [{"url": f"{EXT}/item-kind", "valueCode": "free_text"}],
            "maxLength": 500,
        },
    ],
}


def test_fhir_to_insikt_and_back_gives_the_same_document() -> None:
    content = questionnaire_from_fhir(copy.deepcopy(DOCUMENT))
    exported = questionnaire_to_fhir(content, questionnaire_id="q1", version=2, published=True)
    assert {k: exported.pop(k) for k in ("id", "url", "version", "status", "language")} == {
        "id": "q1",
        "url": "https://insikt.se/fhir/Questionnaire/q1",
        "version": "2",
        "status": "active",
        "language": "sv",
    }
    assert exported == DOCUMENT


def test_insikt_to_fhir_and_back_gives_the_same_questionnaire() -> None:
    content = questionnaire_from_fhir(DOCUMENT)
    again = questionnaire_from_fhir(questionnaire_to_fhir(content, questionnaire_id="q", version=1, published=False))
    assert again == content
    assert isinstance(again, QuestionnaireContent)
    assert again.item[1].item[1].enable_when[0].answer_code == "ja"
    assert again.item[0].answer_option[2].non_substantive


def test_import_export_through_the_api_and_responses_as_questionnaire_responses(client: TestClient) -> None:
    imported = client.post("/v1/questionnaires/fhir", json=DOCUMENT)
    assert imported.status_code == 201, imported.text
    questionnaire_id = imported.json()["id"]
    exported = client.get(f"/v1/questionnaires/{questionnaire_id}/versions/1/fhir").json()
    assert exported["status"] == "draft"
    assert {k: v for k, v in exported.items() if k not in ("id", "url", "version", "status", "language")} == DOCUMENT

    client.post(f"/v1/questionnaires/{questionnaire_id}/publish")
    assert client.get(f"/v1/questionnaires/{questionnaire_id}/fhir").json()["status"] == "active"
    client.put("/v1/units/U1", json={"name": "Enhet", "type": "lss_boende", "municipality_code": "0580"})
    today = clock.today()
    survey_round = client.post(
        "/v1/rounds",
        json={
            "title": "R",
            "questionnaire_id": questionnaire_id,
            "unit_ids": ["U1"],
            "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": today.isoformat(),
        },
    ).json()
    [code] = client.post(f"/v1/rounds/{survey_round['id']}/units/U1/codes", json={"count": 1}).json()["codes"]
    answers = [
        {"link_id": "kon", "code": "k"},
        {"link_id": "fatt", "code": "ja"},
        {"link_id": "betyg", "number": 8},
        {"link_id": "ovrigt", "text": "Bra"},
    ]
    submitted = client.post(
        "/v1/responses", json={"submission_id": str(uuid.uuid4()), "code": code, "answers": answers}
    )
    assert submitted.status_code == 201, submitted.text

    bundle = client.get("/v1/responses/fhir", params={"round_id": survey_round["id"]}).json()
    assert (bundle["resourceType"], bundle["type"], bundle["total"]) == ("Bundle", "collection", 1)
    resource = bundle["entry"][0]["resource"]
    assert resource["questionnaire"] == f"https://insikt.se/fhir/Questionnaire/{questionnaire_id}|1"
    assert resource["authored"] == today.isoformat()
    assert resource["item"] == [
        {"linkId": "kon", "answer": [{"valueCoding": {"system": SYSTEM, "code": "k", "display": "Kvinna"}}]},
        {
            "linkId": "stod",
            "item": [
                {"linkId": "fatt", "answer": [{"valueCoding": {"system": SYSTEM, "code": "ja", "display": "Ja"}}]},
                {"linkId": "betyg", "answer": [{"valueInteger": 8}]},
            ],
        },
        {"linkId": "ovrigt", "answer": [{"valueString": "Bra"}]},
    ]


def test_a_document_that_is_not_a_questionnaire_gets_422(client: TestClient) -> None:
    assert client.post("/v1/questionnaires/fhir", json={"resourceType": "Patient"}).status_code == 422
    broken = {**DOCUMENT, "item": [{"linkId": "x", "text": "?", "type": "choice"}]}
    response = client.post("/v1/questionnaires/fhir", json=broken)
    assert response.status_code == 422
    assert "answerOption" in response.text
