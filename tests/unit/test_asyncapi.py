"""The events' AsyncAPI document (libs/events asyncapi.py): the committed copy is current, it
holds the catalog exactly, every reference in it resolves, and each payload schema accepts the
events the catalog makes.

Checked by hand once against the official AsyncAPI 3.0.0 JSON schema (@asyncapi/specs); no
package on PyPI bundles that schema, so the structure is checked here instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml  # type: ignore[import-untyped]

from appgen.events import (
    EditRequested,
    ProjectForked,
    ProjectRequested,
    ProjectResumed,
)
from appgen.events.catalog.asyncapi import (
    CONSUMES,
    GATEWAY,
    PROJECT_ID,
    catalog,
    document,
    main,
    senders,
)
from appgen.events.catalog.permissions import ROLES
from appgen.events.catalog.subjects import subject_of
from appgen.store.samples import sample_history

pytestmark = pytest.mark.unit

COMMITTED = Path(__file__).parents[2] / "docs" / "asyncapi.yaml"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    # As a client reads it: JSON through and through.
    loaded: dict[str, Any] = json.loads(json.dumps(document()))
    return loaded


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        assert part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_the_committed_document_is_current(tmp_path: Path) -> None:
    main([str(tmp_path / "asyncapi.yaml")])
    assert COMMITTED.read_text() == (tmp_path / "asyncapi.yaml").read_text(), (
        "docs/asyncapi.yaml is stale: run `python -m appgen.events.catalog.asyncapi docs/asyncapi.yaml`"
    )


def test_the_yaml_reads_back_as_the_document(doc: dict[str, Any]) -> None:
    assert yaml.safe_load(COMMITTED.read_text()) == doc


def test_it_has_a_channel_and_a_message_for_every_event_type_and_no_other(
    doc: dict[str, Any],
) -> None:
    types = catalog()
    assert doc["asyncapi"] == "3.0.0"
    assert set(doc["channels"]) == set(types)
    assert set(doc["components"]["messages"]) == set(types)
    for name, t in types.items():
        channel = doc["channels"][name]
        assert channel["address"] == subject_of("{project_id}", t)
        assert set(re.findall(r"{(\w+)}", channel["address"])) == set(channel["parameters"])
        assert set(channel["parameters"]) == {PROJECT_ID}
        assert channel["description"] not in ("", name)
        message = resolve(doc, channel["messages"][name]["$ref"])
        assert message["name"] == name
        assert message["x-stage"] == t.STAGE
        assert message["x-schema-version"] == t.SCHEMA
        assert resolve(doc, message["payload"]["$ref"])["type"] == "object"


def test_every_operation_names_a_channel_and_one_of_its_messages(doc: dict[str, Any]) -> None:
    assert doc["operations"]
    for key, operation in doc["operations"].items():
        assert re.fullmatch(r"[\w.-]+", key)
        assert operation["action"] in ("send", "receive")
        channel_ref = operation["channel"]["$ref"]
        resolve(doc, channel_ref)
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel_ref}/messages/")
            resolve(doc, message["$ref"])


def test_every_event_has_a_sender_and_the_gateway_sends_the_requests(
    doc: dict[str, Any],
) -> None:
    sent = {op["channel"]["$ref"].split("/")[-1] for op in _by(doc, "send")}
    assert sent == set(catalog())
    assert set(senders()[GATEWAY]) == {
        ProjectRequested,
        ProjectResumed,
        ProjectForked,
        EditRequested,
    }


def test_every_stage_receives_what_it_consumes(doc: dict[str, Any]) -> None:
    assert set(CONSUMES) == {name for name, role in ROLES.items() if role.stage}
    for service, types in CONSUMES.items():
        received = {
            op["channel"]["$ref"].split("/")[-1]
            for op in _by(doc, "receive")
            if op["tags"] == [{"name": service}]
        }
        assert received == {t.__name__ for t in types}


# One event of each type a generation makes, completed or failed.
SAMPLES = {e.type: e for e in [*sample_history(), *sample_history(fail=True)]}


@pytest.mark.parametrize("event", SAMPLES.values(), ids=SAMPLES.keys())
def test_each_payload_schema_accepts_the_events_of_its_type(
    doc: dict[str, Any], event: Any
) -> None:
    message = doc["components"]["messages"][event.type]
    schema = {"$ref": message["payload"]["$ref"], "components": doc["components"]}
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid(json.loads(event.model_dump_json()))
    assert not validator.is_valid({**json.loads(event.model_dump_json()), "unknown": 1})


def _by(doc: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [op for op in doc["operations"].values() if op["action"] == action]
