"""appgen's events: the catalog, subjects, the bus, and the one consumer loop every service runs."""

from appgen.events.bus import EventBus, EventTooLarge, connect, open_bus
from appgen.events.catalog import (
    MAX_PROMPT_LENGTH,
    AnalysisCompleted,
    AnalysisStarted,
    BaseGenerated,
    ComponentsAdded,
    FilesWritten,
    ImageGenerated,
    ImagesCompleted,
    PreviewConfigured,
    PreviewReady,
    ProjectCompleted,
    ProjectCreated,
    ProjectFailed,
    ProjectForked,
    ProjectRequested,
    ProjectResumed,
    ScreenAdded,
    ScreensCompleted,
    StageFailed,
)
from appgen.events.codec import InvalidEvent, decode, decode_type, encode
from appgen.events.consumer import ConsumerLoop
from appgen.events.context import HandlerContext
from appgen.events.envelope import (
    Event,
    EventMetadata,
    ModelCall,
    UnknownEventType,
    event_type,
    event_types,
)
from appgen.events.errors import PermanentError
from appgen.events.files import FileWrite, check_relative_path
from appgen.events.ids import (
    ProjectId,
    derived_event_id,
    is_project_id,
    new_project_id,
    project_event_id,
)
from appgen.events.runtime import run_service, serve_worker
from appgen.events.settings import ConsumerSettings, NatsSettings, ServiceSettings
from appgen.events.stages import PIPELINE, Stage
from appgen.events.worker import Worker

__all__ = [
    "MAX_PROMPT_LENGTH",
    "PIPELINE",
    "AnalysisCompleted",
    "AnalysisStarted",
    "BaseGenerated",
    "ComponentsAdded",
    "ConsumerLoop",
    "ConsumerSettings",
    "Event",
    "EventBus",
    "EventMetadata",
    "EventTooLarge",
    "FileWrite",
    "FilesWritten",
    "HandlerContext",
    "ImageGenerated",
    "ImagesCompleted",
    "InvalidEvent",
    "ModelCall",
    "NatsSettings",
    "PermanentError",
    "PreviewConfigured",
    "PreviewReady",
    "ProjectCompleted",
    "ProjectCreated",
    "ProjectFailed",
    "ProjectForked",
    "ProjectId",
    "ProjectRequested",
    "ProjectResumed",
    "ScreenAdded",
    "ScreensCompleted",
    "ServiceSettings",
    "Stage",
    "StageFailed",
    "UnknownEventType",
    "Worker",
    "check_relative_path",
    "connect",
    "decode",
    "decode_type",
    "derived_event_id",
    "encode",
    "event_type",
    "event_types",
    "is_project_id",
    "new_project_id",
    "open_bus",
    "project_event_id",
    "run_service",
    "serve_worker",
]
