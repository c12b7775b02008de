"""The events as an AsyncAPI 3.0 document: a channel per event type, its payload the type's JSON
schema, and which service sends and receives it.

Everything is derived: channels and messages from the catalog (`event_types()`, `subject_of`,
each type's stage and docstring); who sends and who receives what from the pipeline's
declaration (`catalog.pipeline`, through `permissions.ROLES` for the senders; the gateway sends
the types no stage does). The gateway serves it at `/asyncapi.json`;
`python -m appgen.events.catalog.asyncapi docs/asyncapi.yaml` writes the committed copy.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from appgen.events.catalog.envelope import Event, event_types
from appgen.events.catalog.permissions import ROLES
from appgen.events.catalog.pipeline import STAGES as PIPELINE_STAGES
from appgen.events.catalog.subjects import subject_of
from appgen.events.transport.bus import MSG_ID

VERSION = "3.0.0"
PROJECT_ID = "project_id"
GATEWAY = "gateway"
# Plain scalars YAML 1.1 readers take for booleans or null.
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})

# The input types each stage's worker handles, from the pipeline's declaration (a worker refuses
# any other and cannot run without each of these).
CONSUMES: Mapping[str, tuple[type[Event], ...]] = {d.service: d.inputs for d in PIPELINE_STAGES}

_DESCRIPTION = """\
Every fact about a project is one event on one NATS JetStream subject,
`appgen.events.{project_id}.{type}`, stored in the event stream for good. A message's payload is
the event as JSON: the envelope (event_id, project_id, type, schema_version, stage, progress,
metadata) and the type's own fields. Its `Nats-Msg-Id` header is the event id, so a redelivered
publish is stored once. Each stage runs one durable consumer filtered on its input types; the
recorder copies every event into PostgreSQL, and the gateway follows a project's subjects for its
clients (docs/protocol.md).
""".strip()


def catalog() -> dict[str, type[Event]]:
    """appgen's own event types: a test may register types of its own, which are no part of
    the document."""
    return {name: t for name, t in event_types().items() if t.__module__.startswith("appgen.")}


def senders() -> dict[str, tuple[type[Event], ...]]:
    """Who publishes each type: the stages' roles, and the gateway for the rest (the requests)."""
    sent = {name: role.publishes for name, role in ROLES.items() if role.publishes}
    by_stage = {t for types in sent.values() for t in types}
    requests = tuple(t for t in catalog().values() if t not in by_stage)
    return {GATEWAY: requests, **sent}


def document(receivers: Mapping[str, tuple[type[Event], ...]] = CONSUMES) -> dict[str, Any]:
    """The AsyncAPI document, as JSON-ready data."""
    types = catalog()
    keys, schemas = models_json_schema(
        [(t, "validation") for t in types.values()],
        ref_template="#/components/schemas/{model}",
    )
    channels = {name: _channel(t) for name, t in types.items()}
    messages = {name: _message(t, keys[(t, "validation")]["$ref"]) for name, t in types.items()}
    operations: dict[str, Any] = {}
    for action, parties in (("send", senders()), ("receive", receivers)):
        for service, service_types in parties.items():
            for t in service_types:
                operations[f"{service}.{action}.{t.__name__}"] = _operation(service, action, t)
    return {
        "asyncapi": VERSION,
        "info": {
            "title": "appgen events",
            "version": "1",
            "description": _DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas.get("$defs", {})},
    }


def _channel(t: type[Event]) -> dict[str, Any]:
    name = t.__name__
    return {
        "address": subject_of("{" + PROJECT_ID + "}", t),
        "title": name,
        "description": _doc(t),
        "parameters": {PROJECT_ID: {"description": "The project's id (32 hex digits)."}},
        "messages": {name: {"$ref": f"#/components/messages/{name}"}},
    }


def _message(t: type[Event], payload_ref: str) -> dict[str, Any]:
    return {
        "name": t.__name__,
        "title": t.__name__,
        "summary": _doc(t).split("\n\n")[0].replace("\n", " "),
        "description": _doc(t),
        "contentType": "application/json",
        "headers": {
            "type": "object",
            "properties": {
                MSG_ID: {"type": "string", "format": "uuid", "description": "The event id."}
            },
        },
        "payload": {"$ref": payload_ref},
        "tags": [{"name": f"stage:{t.STAGE}"}],
        "x-stage": str(t.STAGE),
        "x-schema-version": t.SCHEMA,
    }


def _operation(service: str, action: str, t: type[Event]) -> dict[str, Any]:
    name = t.__name__
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{name}"},
        "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
        "summary": f"{service} {'publishes' if action == 'send' else 'consumes'} {name}.",
        "tags": [{"name": service}],
    }


def _doc(t: type[Event]) -> str:
    """The type's docstring, or the nearest catalog base's (FellBack, EditStep, NativeEvent)."""
    for cls in t.__mro__:
        if cls is Event:
            break
        doc = cls.__dict__.get("__doc__")
        if doc:
            return _clean(doc)
    return t.__name__


def _clean(doc: str) -> str:
    lines = doc.strip().splitlines()
    indent = min((len(x) - len(x.lstrip()) for x in lines[1:] if x.strip()), default=0)
    return "\n".join([lines[0], *(x[indent:] for x in lines[1:])])


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML for JSON data: plain keys where they are safe, multi-line text as literal
    blocks, other scalars as JSON (which YAML reads as the same values)."""
    pad = "  " * indent
    if isinstance(value, dict) and value:
        return "".join(_item(f"{pad}{_key(k)}:", v, indent) for k, v in value.items())
    if isinstance(value, list) and value:
        return "".join(_item(f"{pad}-", v, indent) for v in value)
    return f"{pad}{json.dumps(value)}\n"


def _item(head: str, value: Any, indent: int) -> str:
    if isinstance(value, dict | list) and value:
        return f"{head}\n{to_yaml(value, indent + 1)}"
    if isinstance(value, str) and "\n" in value and value == value.strip():
        pad = "  " * (indent + 1)
        return f"{head} |-\n" + "".join(
            f"{pad}{line}\n" if line else "\n" for line in value.split("\n")
        )
    return f"{head} {json.dumps(value)}\n"


def _key(key: str) -> str:
    plain = re.fullmatch(r"[A-Za-z_$][\w.$-]*", key) and key.lower() not in _YAML_WORDS
    return key if plain else json.dumps(key)


def main(argv: list[str]) -> None:
    """Write the document as YAML to the path given (docs/asyncapi.yaml), or to stdout."""
    text = "# Generated by `python -m appgen.events.catalog.asyncapi docs/asyncapi.yaml`; do not edit.\n"
    text += to_yaml(document())
    if argv:
        Path(argv[0]).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
