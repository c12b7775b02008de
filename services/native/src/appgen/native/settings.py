"""The native service's settings (env prefix `APPGEN_`, e.g. `APPGEN_NATIVE__PREVIEWS=3`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from appgen.events import ConsumerSettings, ServiceSettings


class NativeSettings(BaseModel):
    builds: bool = Field(
        default=True,
        description="Build each version's Expo web export; off, every version is reported "
        "NativeBuildSkipped and only the Expo Go dev servers run.",
    )
    typecheck: bool = Field(default=True, description="Run `tsc --noEmit` before each bundle.")
    build_timeout_s: float = Field(default=600.0, gt=0)
    expo_cache: Path | None = Field(
        default=None,
        description="Where the SDK's dependency tree is installed ($APPGEN_EXPO_CACHE, else "
        "~/.cache/appgen/expo-sdk54).",
    )
    previews: int = Field(
        default=2, ge=0, le=32, description="Metro dev servers for Expo Go at once (the pool)."
    )
    preview_idle_s: float = Field(
        default=900.0,
        gt=0,
        description="A dev server nobody asked for (POST native-preview) and whose project did "
        "not change for this long is stopped.",
    )
    preview_start_timeout_s: float = Field(default=180.0, gt=0)
    yield_to_generations: bool = Field(
        default=True,
        description="A build stands still while any generation or edit runs, and starts only "
        "once none has for `quiet_s` (appgen.native.activity).",
    )
    quiet_s: float = Field(default=0.5, ge=0)
    generation_longest_s: float = Field(
        default=120.0,
        gt=0,
        description="A generation whose end is never heard stops holding builds after this.",
    )
    preview_host: str | None = Field(
        default=None,
        max_length=253,
        description="The host phones reach this service's dev servers at, when the request "
        "names none (the gateway names its phone address); else 127.0.0.1.",
    )


def _native_consumer() -> ConsumerSettings:
    # Builds take turns in one workspace (Metro's cache, docs/expo.md) and take many seconds;
    # the loop's heartbeats keep the message while they run.
    return ConsumerSettings(concurrency=1, batch=1, ack_wait_s=120.0, max_deliver=3)


class Settings(ServiceSettings):
    consumer: ConsumerSettings = Field(default_factory=_native_consumer)
    # Background work: builds and dev servers must not take the CPU from the instant preview's
    # stages. Niceness alone is not enough for a multi-threaded bundler (`tsc` and Metro held
    # both cores at nice 10), so they run only on CPU time nothing else wants (children and
    # their threads inherit both).
    nice: int = Field(default=10, ge=0, le=19)
    idle_priority: bool = True
    native: NativeSettings = Field(default_factory=NativeSettings)
