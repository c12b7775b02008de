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
    # APPGEN_IMAGE_MODEL turns on pictures from the images API; without it the art is drawn.
    llm: LLMSettings = Field(default_factory=LLMSettings)
