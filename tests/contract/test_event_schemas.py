"""Event contracts: committed JSON Schemas match the models, and producers' events validate."""

import json

import jsonschema
import pytest
import yaml

from insikt_common.contracts.catalogue import CATALOGUE
from insikt_common.contracts.generate import ASYNCAPI_PATH, SCHEMA_DIR, rendered_asyncapi, rendered_schemas
from tests.integration.events import response_submitted


def test_committed_schemas_are_the_ones_the_models_generate() -> None:
    committed = {p.name: p.read_text() for p in SCHEMA_DIR.glob("*.json")}
    assert committed == rendered_schemas(), "run `python -m insikt_common.contracts.generate` and commit"


def test_the_committed_asyncapi_document_is_the_generated_one() -> None:
    assert ASYNCAPI_PATH.read_text() == rendered_asyncapi(), "run `make schemas` and commit"


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_every_event_type_has_its_topic_message_and_schema_in_the_asyncapi_document(event_type: str) -> None:
    document = yaml.safe_load(ASYNCAPI_PATH.read_text())
    spec = CATALOGUE[event_type]
    [channel] = [c for c in document["channels"].values() if c["address"] == spec.topic]
    [(message_id, message)] = [
        (key, m) for key, m in document["components"]["messages"].items() if m.get("name") == event_type
    ]
    schema = (ASYNCAPI_PATH.parent / message["payload"]["$ref"]).resolve()
    assert schema == (SCHEMA_DIR / f"{event_type}.json").resolve()
    assert {"$ref": f"#/components/messages/{message_id}"} in channel["messages"].values()


def _schema(event_type: str) -> dict[str, object]:
    return json.loads((SCHEMA_DIR / f"{event_type}.json").read_text())  # type: ignore[no-any-return]


def test_a_response_event_validates_and_a_broken_one_does_not() -> None:
    event = response_submitted("r1", "U1")
    schema = _schema(event.type)
    jsonschema.validate(json.loads(event.to_bytes()), schema)
    broken = json.loads(event.to_bytes())
    del broken["data"]["unit"]
    with pytest.raises(jsonschema.ValidationError, match="unit"):
        jsonschema.validate(broken, schema)
