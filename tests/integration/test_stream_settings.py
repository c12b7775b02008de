"""The stream is made from configuration and an operator's settings are never reverted.

Issue 16, item 3: every process start used to `update_stream` with its own defaults, turning an
R3 stream back to R1 and dropping the limits an operator set. Real nats-server each time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client

from appgen.events import NatsSettings, connect
from appgen.events.catalog.subjects import all_events
from appgen.events.transport.stream import ensure_stream
from appgen.events.transport.usage import STREAM_BYTES, stream_usage

pytestmark = pytest.mark.integration


@pytest.fixture
async def nc(nats_settings: NatsSettings) -> AsyncIterator[Client]:
    client = await connect(nats_settings, name="test-stream-settings")
    yield client
    await client.close()


async def test_a_new_stream_takes_its_limits_from_the_settings(nats_url: str, nc: Client) -> None:
    settings = NatsSettings(
        nats_url=nats_url, stream="LIMITED", stream_max_bytes=1 << 20, stream_max_age_s=3600
    )
    js = nc.jetstream()
    await ensure_stream(js, settings)
    config = (await js.stream_info("LIMITED")).config
    assert config.max_bytes == 1 << 20
    assert config.max_age == 3600
    assert config.allow_direct
    assert config.allow_atomic
    usage = await stream_usage(js, settings)
    assert (usage.max_bytes, usage.messages, usage.full) == (1 << 20, 0, False)
    assert STREAM_BYTES._value.get() == usage.bytes  # the gauge follows what was read


async def test_an_operators_settings_survive_a_process_start(nats_url: str, nc: Client) -> None:
    settings = NatsSettings(nats_url=nats_url, stream="OPERATED")
    js = nc.jetstream()
    await ensure_stream(js, settings)
    # An operator limits size and age and adds a subject of their own.
    config = (await js.stream_info("OPERATED")).config
    edited = dataclasses.replace(
        config, max_bytes=8 << 20, max_age=7200, subjects=[*(config.subjects or []), "ops.>"]
    )
    await js.update_stream(edited)
    # A service starts with the default settings: nothing of the operator's is reverted.
    await ensure_stream(js, settings)
    after = (await js.stream_info("OPERATED")).config
    assert after.max_bytes == 8 << 20
    assert after.max_age == 7200
    assert set(after.subjects or []) == {all_events(), "ops.>"}


async def test_what_appgen_needs_is_put_back_and_nothing_else(nats_url: str, nc: Client) -> None:
    settings = NatsSettings(nats_url=nats_url, stream="BROKEN")
    js = nc.jetstream()
    await ensure_stream(js, settings)
    config = (await js.stream_info("BROKEN")).config
    await js.update_stream(
        dataclasses.replace(config, allow_direct=False, allow_atomic=False, max_bytes=4 << 20)
    )
    await ensure_stream(js, settings)
    after = (await js.stream_info("BROKEN")).config
    assert after.allow_direct, "the read port's direct gets are required"
    assert after.allow_atomic, "the scaffolder stores a preview's facts in one batch"
    assert after.max_bytes == 4 << 20, "the operator's limit stays"
