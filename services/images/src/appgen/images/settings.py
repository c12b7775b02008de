"""The images service's settings (env prefix `APPGEN_`)."""

from __future__ import annotations

from pydantic import Field

from appgen.events import ConsumerSettings, ServiceSettings
from appgen.llm import LLMSettings


def _images_consumer() -> ConsumerSettings:
    # Drawing is CPU-bound and the machine is shared with every other stage: a few projects
    # at once is plenty, and a slow image must not outlive the ack wait (heartbeats cover it).
    return ConsumerSettings(concurrency=2, batch=2, ack_wait_s=60.0)


class Settings(ServiceSettings):
    consumer: ConsumerSettings = Field(default_factory=_images_consumer)
    # Images are a background branch: drawing them must not take the CPU from the stages a
    # preview waits for (they start at the same event).
    nice: int = Field(default=10, ge=0, le=19)
    # A lower priority alone still let an icon's drawing slow the previews made beside it
    # (docs/benchmarks.md): drawing also waits, a bounded while, until no preview is being made.
    yield_to_previews: bool = Field(
        default=True,
        description="Hold each drawing while any project's preview is being made "
        "(ProjectRequested until PreviewReady), for at most `preview_hold_s`.",
    )
    preview_hold_s: float = Field(
        default=0.25,
        ge=0,
        le=10,
        description="The longest one drawing waits for previews; past it, it draws anyway.",
    )
    preview_quiet_s: float = Field(
        default=0.05,
        ge=0,
        le=5,
        description="A drawing also waits this long after the last preview was made: a "
        "PreviewReady still has to reach its client through the gateway, and a drawing started "
        "the moment it was published took the CPU that delivery needed.",
    )
    preview_longest_s: float = Field(
        default=60.0,
        gt=0,
        description="After this long without its PreviewReady (or ProjectFailed) being heard, "
        "a project no longer counts as making its preview.",
    )
    # APPGEN_IMAGE_MODEL turns on pictures from the images API; without it the art is drawn.
    llm: LLMSettings = Field(default_factory=LLMSettings)
