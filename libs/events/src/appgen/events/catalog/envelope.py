"""The envelope every event carries, and the registry that maps a type name to its model."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from appgen.events.catalog.ids import ProjectId
from appgen.events.catalog.stages import Stage


class ModelCall(BaseModel):
    """One language-model call, so that cost and latency are answerable from the store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    purpose: str
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    cost_usd: float = 0.0


class EventMetadata(BaseModel):
    """Who did what, on which attempt, caused by what, and how long it took."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str = "unknown"
    attempt: int = Field(default=1, ge=1)
    causation_id: uuid.UUID | None = None
    correlation_id: uuid.UUID | None = None
    handler_ms: float | None = None
    trace_id: str | None = None
    model_calls: tuple[ModelCall, ...] = ()
    # Set on the events a fork copies from its source: stages never react to a copy (its work
    # is done), and it points at the original so cost and history stay with the source.
    copied_from: uuid.UUID | None = None


_REGISTRY: dict[str, type[Event]] = {}
ENVELOPE_FIELDS = frozenset(
    {
        "event_id",
        "project_id",
        "type",
        "schema_version",
        "occurred_at",
        "stage",
        "progress",
        "metadata",
    }
)


class Event(BaseModel):
    """A past-tense fact about one project. Subclasses add their data as fields.

    `type` is the class name; it is what subjects, the store and clients key on, so it is
    never written by hand.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    STAGE: ClassVar[Stage]
    default_progress: ClassVar[int] = 0
    # The shape of this type's data. Any change to its fields bumps it, with an upcaster from
    # the version before (upcasting.py); see docs/architecture.md, "Changing an event".
    SCHEMA: ClassVar[int] = 1
    # Set in a class body to keep a base class (such as FilesWritten) out of the registry.
    abstract: ClassVar[bool] = False

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    project_id: ProjectId
    type: str = ""
    schema_version: int = Field(
        default=0, ge=0, description="The type's SCHEMA it was written with (0 means 1)."
    )
    stage: Stage | None = None
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    progress: int = Field(default=-1, ge=-1, le=100)
    metadata: EventMetadata = Field(default_factory=EventMetadata)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False):
            return
        if cls.__name__ in _REGISTRY:
            raise TypeError(f"event type {cls.__name__} is defined twice")
        _REGISTRY[cls.__name__] = cls

    def model_post_init(self, context: Any, /) -> None:
        # The frozen model is filled in once here, so `type` and `progress` cannot disagree with the class.
        if self.type and self.type != type(self).__name__:
            raise ValueError(f"type {self.type!r} does not match {type(self).__name__}")
        object.__setattr__(self, "type", type(self).__name__)
        if self.schema_version == 0:
            object.__setattr__(self, "schema_version", self.SCHEMA)
        elif self.schema_version != self.SCHEMA:
            raise ValueError(
                f"{self.type} is at schema {self.SCHEMA}, not {self.schema_version} "
                "(an older one is upcast before it gets here)"
            )
        if self.stage is None:
            object.__setattr__(self, "stage", self.STAGE)
        elif self.stage is not self.STAGE:
            raise ValueError(f"{self.type} belongs to stage {self.STAGE}, not {self.stage}")
        if self.progress == -1:
            object.__setattr__(self, "progress", self.default_progress)

    @property
    def current_stage(self) -> Stage:
        """The stage, typed as always present (it is filled in at construction)."""
        return self.stage or self.STAGE

    def data(self) -> dict[str, Any]:
        """The event's own fields, without the envelope, as JSON-ready values."""
        return self.model_dump(mode="json", exclude=set(ENVELOPE_FIELDS))


def event_types() -> dict[str, type[Event]]:
    """Every event type by name (the catalog must be imported first; `appgen.events` does)."""
    return dict(_REGISTRY)


def event_type(name: str) -> type[Event]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownEventType(name) from None


class UnknownEventType(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown event type {name!r}")
        self.name = name
