"""Write the contract documents: ``python -m insikt_common.contracts.generate``.

- ``schemas/<type>.json``: the JSON Schema of every event type (a whole CloudEvent).
- ``docs/asyncapi.yaml`` (when run from a checkout): the AsyncAPI 3 document of every topic.

Both are committed; contract tests fail when they drift from the models.
"""

import json
from pathlib import Path
from typing import Any

from insikt_common.contracts.catalogue import CATALOGUE, EventSpec
from insikt_common.contracts.envelope import CONTENT_TYPE, SCHEMA_BASE, CloudEvent
from insikt_common.messaging.consumer import dead_letter_topic

SCHEMA_DIR = Path(__file__).parent / "schemas"
REPO_ROOT = Path(__file__).resolve().parents[5]
ASYNCAPI_PATH = REPO_ROOT / "docs" / "asyncapi.yaml"


def schema_for(spec: EventSpec) -> dict[str, object]:
    """The schema of a whole CloudEvent of this type, its ``data`` being the payload."""
    envelope = CloudEvent.model_json_schema()
    payload = spec.payload.model_json_schema()
    defs = {**envelope.pop("$defs", {}), **payload.pop("$defs", {})}
    envelope["properties"]["type"] = {"const": spec.type}
    envelope["properties"]["data"] = payload
    envelope["required"] = sorted({*envelope.get("required", []), "data"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{spec.type}.json",
        "title": spec.type,
        "description": spec.description,
        **envelope,
        **({"$defs": defs} if defs else {}),
    }


def rendered_schemas() -> dict[str, str]:
    return {
        f"{spec.type}.json": json.dumps(schema_for(spec), indent=2, sort_keys=True) + "\n"
        for spec in CATALOGUE.values()
    }


def _camel(text: str) -> str:
    words = text.replace(".", " ").replace("-", " ").replace("_", " ").split()
    return words[0] + "".join(w.capitalize() for w in words[1:])


def asyncapi_document() -> dict[str, Any]:
    """Channels are topics, one message per event type; operations say who sends and who receives."""
    schema_dir = Path("..") / SCHEMA_DIR.relative_to(REPO_ROOT)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in CATALOGUE.values():
        channel_id = _camel(spec.topic.removesuffix(".v1"))
        message_id = _camel(spec.type.removeprefix("se.insikt."))
        messages[message_id] = {
            "name": spec.type,
            "title": spec.type,
            "summary": spec.description,
            "contentType": CONTENT_TYPE,
            "payload": {"$ref": f"{schema_dir / (spec.type + '.json')}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": f"payload field `{spec.key_field}`"}}},
        }
        channel = channels.setdefault(channel_id, {"address": spec.topic, "messages": {}})
        channel["messages"][message_id] = {"$ref": f"#/components/messages/{message_id}"}
        operations[f"{_camel(spec.producer)}Sends{message_id[0].upper()}{message_id[1:]}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{message_id}"}],
            "summary": f"{spec.producer} publishes through its transactional outbox.",
        }
        for group in spec.consumer_groups:
            operations[f"{_camel(group)}Receives{message_id[0].upper()}{message_id[1:]}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{message_id}"}],
                "summary": f"Consumer group `{group}`; failures go to `{group}.dlq`.",
                "bindings": {"kafka": {"groupId": {"type": "string", "enum": [group]}}},
            }
    for group in sorted({g for spec in CATALOGUE.values() for g in spec.consumer_groups}):
        _add_dead_letter_channel(group, channels, operations, messages)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Insikt events",
            "version": "1.0.0",
            "description": (
                "Every message is a CloudEvents 1.0 event in Kafka's structured content mode: the value is "
                "the whole event as JSON (`application/cloudevents+json`), the key the aggregate id whose "
                "order matters. Generated from the event catalogue; do not edit by hand."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {"kafka": {"host": "localhost:9092", "protocol": "kafka", "description": "Any Kafka 3.x/4.x"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _add_dead_letter_channel(
    group: str, channels: dict[str, Any], operations: dict[str, Any], messages: dict[str, Any]
) -> None:
    channel_id = _camel(f"{group} dlq")
    messages["deadLetter"] = {
        "name": "dead-letter",
        "title": "A message a consumer could not handle",
        "summary": "The original key, value and headers, unchanged, plus headers saying why and where from.",
        "headers": {
            "type": "object",
            "properties": {
                "dlq.reason": {"type": "string"},
                "dlq.topic": {"type": "string"},
                "dlq.partition": {"type": "string"},
                "dlq.offset": {"type": "string"},
                "dlq.consumer_group": {"type": "string"},
            },
        },
        "payload": {"description": "the original message value, byte for byte"},
    }
    channels[channel_id] = {
        "address": dead_letter_topic(group),
        "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
    }
    operations[f"{channel_id}Sends"] = {
        "action": "send",
        "channel": {"$ref": f"#/channels/{channel_id}"},
        "messages": [{"$ref": f"#/channels/{channel_id}/messages/deadLetter"}],
        "summary": f"Consumer group `{group}` parks what it cannot handle here, and goes on.",
    }


def rendered_asyncapi() -> str:
    import yaml  # a development dependency: only this generator needs it

    header = "# Generated by `make schemas` from insikt_common.contracts.catalogue. Do not edit.\n"
    return header + yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=110)


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in rendered_schemas().items():
        (SCHEMA_DIR / name).write_text(text)
        print(f"wrote {SCHEMA_DIR / name}")
    ASYNCAPI_PATH.parent.mkdir(exist_ok=True)
    ASYNCAPI_PATH.write_text(rendered_asyncapi())
    print(f"wrote {ASYNCAPI_PATH}")


if __name__ == "__main__":
    main()
