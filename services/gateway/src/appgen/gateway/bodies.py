"""Request and response bodies: the gateway's side of the OpenAPI schema."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from appgen.events import MAX_EDIT_LENGTH, MAX_PROMPT_LENGTH, ProjectId
from appgen.events.read.projection import ProjectState
from appgen.store import ProjectSummary

MIN_PROMPT_LENGTH = 3
MIN_EDIT_LENGTH = 2
# Line breaks and tabs are how people write; every other control character is rejected.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def check_prompt(prompt: str, minimum: int = MIN_PROMPT_LENGTH) -> str:
    for char in prompt:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            raise ValueError(f"prompt contains a control character (U+{ord(char):04X})")
    if len(prompt.strip()) < minimum:
        raise ValueError(f"prompt must have at least {minimum} visible characters")
    return prompt


def check_edit_prompt(prompt: str) -> str:
    return check_prompt(prompt, MIN_EDIT_LENGTH).strip()


Prompt = Annotated[
    str,
    Field(min_length=MIN_PROMPT_LENGTH, max_length=MAX_PROMPT_LENGTH, examples=["A todo list app"]),
    AfterValidator(check_prompt),
]

EditPrompt = Annotated[
    str,
    Field(
        min_length=MIN_EDIT_LENGTH,
        max_length=MAX_EDIT_LENGTH,
        examples=["add a due date to tasks", "make it dark"],
    ),
    AfterValidator(check_edit_prompt),
]


class CreateProject(BaseModel):
    """Start a generation. Give `project_id` (or an `Idempotency-Key` header) to make retries safe."""

    model_config = ConfigDict(extra="forbid")

    prompt: Prompt
    project_id: ProjectId | None = Field(
        default=None, description="Your own id for the project; the same id never starts twice."
    )


class ProjectLinks(BaseModel):
    status_url: str
    websocket_url: str
    events_url: str
    stream_url: str
    preview_url: str
    qr_url: str


class ProjectAccepted(ProjectLinks):
    """What POST /api/v1/projects answers: the project and where to follow it."""

    project_id: str
    created: bool = Field(description="False when the project existed already (a retry).")
    status: Literal["queued", "running", "complete", "failed"] = "queued"


class ProjectView(ProjectState):
    """A project's state folded from its events, with the URLs to follow it."""

    # The gateway's own link (`urls.live_preview_path`) once the preview is ready.
    preview_path: str | None = None
    preview_url: str | None = None
    links: ProjectLinks


class ProjectListItem(ProjectSummary):
    """One of the caller's projects, with its preview link once the preview is ready."""

    preview_path: str | None = None


class ProjectPage(BaseModel):
    items: list[ProjectListItem]
    total: int
    limit: int
    offset: int


class EventMessage(BaseModel):
    """One event as clients receive it over REST, WebSocket and SSE (docs/protocol.md)."""

    type: Literal["progress", "complete", "error"]
    position: int
    event_id: str
    event_type: str
    project_id: str
    stage: str
    progress: int
    occurred_at: datetime
    data: dict[str, Any]
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="service, attempt, handler_ms, causation and trace ids, model_calls (tokens, "
        "cost), and copied_from on a fork's copies.",
    )


class EventPage(BaseModel):
    project_id: str
    items: list[EventMessage]
    next_since: int | None = Field(
        description="Pass as `since` for the next page; null at the end."
    )


class FileEntry(BaseModel):
    path: str
    content_type: str
    size: int
    sha256: str
    blob: bool
    url: str


class FileTree(BaseModel):
    project_id: str
    position: int = Field(description="The position the tree is as of.")
    files: list[FileEntry]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class StreamFill(BaseModel):
    """How full the event stream is (JetStream refuses publishes at its limits)."""

    messages: int
    bytes: int
    max_bytes: int = Field(description="The stream's byte limit; -1 for none.")
    fill: float | None = Field(description="bytes / max_bytes, when there is a limit.")
    replicas: int


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, str]
    stream: StreamFill | None = None


class LegacyGenerate(BaseModel):
    """The earlier generator's request body."""

    prompt: Prompt


class LegacyAccepted(BaseModel):
    project_id: str
    status: str
    websocket_url: str
    status_url: str
    preview_url: str


class LegacyStatus(BaseModel):
    project_id: str
    status: str
    stage: str
    progress: int
    message: str | None
    preview_url: str | None
    screens_added: int
    error: str | None


# The earlier generator's bounds on a streaming request's prompt.
LEGACY_MIN_PROMPT = 10
LEGACY_MAX_PROMPT = 5000


def check_legacy_prompt(prompt: str) -> str:
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise ValueError(f"appgen takes prompts of at most {MAX_PROMPT_LENGTH} characters")
    return check_prompt(prompt)


class StreamGenerate(BaseModel):
    """The earlier generator's streaming request. Its prompt bounds were 10-5,000 characters;
    appgen takes at most 4,000 of them (a longer prompt is a 422 that says so)."""

    prompt: Annotated[
        str,
        Field(
            min_length=LEGACY_MIN_PROMPT,
            max_length=LEGACY_MAX_PROMPT,
            examples=["Create a todo list app with due dates"],
        ),
        AfterValidator(check_legacy_prompt),
    ]
    user_id: str | None = Field(
        default=None, max_length=200, description="Ignored: a project belongs to the caller's key."
    )
    template_id: str | None = Field(default=None, max_length=200, description="Ignored.")
    fast_mode: bool | None = Field(
        default=False, description="Ignored: screens always arrive after the preview is live."
    )


class StreamAccepted(BaseModel):
    project_id: str
    websocket_url: str = Field(description="Absolute: where to follow the generation.")
    message: str


class StreamStatus(BaseModel):
    project_id: str
    active_connections: int = Field(
        description="WebSockets following the project on the gateway process that answers."
    )
    status: Literal["active", "inactive"]
