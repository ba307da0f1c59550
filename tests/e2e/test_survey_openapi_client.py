"""A client that knows survey-api only from its OpenAPI document.

survey-api runs as its own process on real PostgreSQL and Kafka. The client finds every operation
by its operationId in ``/openapi.json`` and checks every answer against the document's schema;
nothing here imports survey-api.
"""

import secrets
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import jsonschema
import pytest

from insikt_common import clock
from tests.e2e.client import ADMIN
from tests.e2e.processes import running_service, service_env
from tests.infra import ServiceDatabase


class OpenApiClient:
    """Calls operations by operationId; validates each JSON answer against its documented schema."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.document: dict[str, Any] = self.http.get("/openapi.json").raise_for_status().json()
        self.operations: dict[str, tuple[str, str, dict[str, Any]]] = {
            operation["operationId"]: (method.upper(), path, operation)
            for path, methods in self.document["paths"].items()
            for method, operation in methods.items()
        }

    def call(
        self,
        operation_id: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        method, template, operation = self.operations[operation_id]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] in ("path", "query", "header")}
        for name in [*(path or {}), *(query or {})]:
            assert name in declared, f"{operation_id} has no parameter {name}"
        if body is not None:
            assert "requestBody" in operation, f"{operation_id} takes no body"
        url = template.format(**(path or {}))
        response = self.http.request(method, url, params=query, json=body, headers=headers)
        self._check(operation, response)
        return response

    def _check(self, operation: dict[str, Any], response: httpx.Response) -> None:
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None or response.status_code in (401, 403), (
            f"{operation['operationId']} answered {response.status_code}, which the document does not list"
        )
        schema = (documented or {}).get("content", {}).get("application/json", {}).get("schema")
        if schema and response.is_success:
            jsonschema.Draft202012Validator(_inline(schema, self.document)).validate(response.json())


def _inline(schema: Any, document: dict[str, Any], depth: int = 0) -> Any:
    """The schema with every ``#/components/...`` reference replaced by what it points to."""
    if depth > 30:
        return {}
    if isinstance(schema, dict):
        if "$ref" in schema and schema["$ref"].startswith("#/"):
            target: Any = document
            for part in schema["$ref"][2:].split("/"):
                target = target[part]
            return _inline(target, document, depth + 1)
        return {k: _inline(v, document, depth) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, document, depth) for v in schema]
    return schema


@pytest.fixture(scope="module")
def survey_url(
    service_db: ServiceDatabase, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    env = service_env("survey-api", service_db, kafka_bootstrap, f"oas{secrets.token_hex(3)}.")
    with running_service("survey-api", env, tmp_path_factory.mktemp("openapi-client")) as url:
        yield url


def _answers(questionnaire: dict[str, Any]) -> list[dict[str, Any]]:
    """The first option of every choice item and the middle of every rating, groups included."""
    answers: list[dict[str, Any]] = []
    for item in questionnaire["item"]:
        if item["type"] == "group":
            answers += _answers(item)
        elif item["type"] == "choice":
            answers.append({"link_id": item["linkId"], "code": item["answerOption"][0]["code"]})
        elif item["type"] == "integer":
            answers.append({"link_id": item["linkId"], "number": (item["minValue"] + item["maxValue"]) // 2})
    return answers


def test_a_client_built_from_the_openapi_document_answers_in_english_with_a_code(survey_url: str) -> None:
    api = OpenApiClient(survey_url)
    unit_id = f"OAS-{secrets.token_hex(3)}"

    questionnaire = api.call("load_example_questionnaire", path={"name": "ifo-vuxna"}, headers=ADMIN).json()
    api.call("publish_questionnaire", path={"questionnaire_id": questionnaire["id"]}, headers=ADMIN)
    unit = {"name": "Vuxenenheten", "type": "ifo_vuxen", "municipality_code": "0580"}
    api.call("upsert_unit", path={"unit_id": unit_id}, body=unit, headers=ADMIN)
    today = clock.today()
    survey_round = api.call(
        "open_round",
        body={
            "title": "OpenAPI",
            "questionnaire_id": questionnaire["id"],
            "unit_ids": [unit_id],
            "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": (today + timedelta(days=1)).isoformat(),
            "access_mode": "codes",
        },
        headers=ADMIN,
    ).json()
    [code] = api.call(
        "issue_codes", path={"round_id": survey_round["id"], "unit_id": unit_id}, body={"count": 1}, headers=ADMIN
    ).json()["codes"]

    survey = api.call("fetch_survey", query={"lang": "en"}, body={"code": code})
    assert survey.status_code == 200
    assert survey.json()["language"] == "en"
    assert survey.json()["questionnaire"]["title"] == "Insikt: Adults in individual and family care"

    answers = _answers(survey.json()["questionnaire"])
    receipt = api.call("submit_response", body={"submission_id": str(uuid.uuid4()), "code": code, "answers": answers})
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["status"] == "accepted" and receipt.json()["received_on"] == today.isoformat()

    again = api.call("submit_response", body={"submission_id": str(uuid.uuid4()), "code": code, "answers": answers})
    assert again.status_code == 409
    assert again.json()["error"] == "Conflict"

    participation = api.call("get_participation", path={"round_id": survey_round["id"]}, headers=ADMIN).json()
    assert participation == [
        {
            "unit_id": unit_id,
            "access_mode": "codes",
            "codes_issued": 1,
            "codes_used": 1,
            "responses": 1,
            "response_rate": 1.0,
        }
    ]
