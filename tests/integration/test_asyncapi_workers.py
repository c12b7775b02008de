"""The AsyncAPI document against the running system: each stage's worker, built as its
`__main__` builds it, consumes exactly what the document says, and the gateway serves the
document to anyone at /asyncapi.json."""

from __future__ import annotations

import json

import httpx
import pytest

from appgen.events import ConsumerSettings, NatsSettings, open_bus
from appgen.events.catalog.asyncapi import CONSUMES, document
from appgen.gateway import Settings
from appgen.gateway.testing import serve_gateway
from appgen.llm import LLMSettings
from tests.inprocess import STAGES, Shared

pytestmark = pytest.mark.integration


async def test_each_stage_consumes_what_the_document_says(nats_settings: NatsSettings) -> None:
    shared = Shared(nats_settings.nats_url, ConsumerSettings(), LLMSettings.disabled())
    assert set(STAGES) == set(CONSUMES)
    async with open_bus(nats_settings, name="test-asyncapi") as bus:
        for name, stage in STAGES.items():
            factory, _ = stage(shared, name)
            worker = await factory(bus)
            assert worker.name == name
            assert set(worker.consumes) == set(CONSUMES[name]), name


async def test_the_gateway_serves_it_without_a_key(
    nats_settings: NatsSettings, database_url: str
) -> None:
    settings = Settings(nats_url=nats_settings.nats_url, database_url=database_url, gateway_port=0)
    async with serve_gateway(settings) as url, httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/asyncapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(document()))
