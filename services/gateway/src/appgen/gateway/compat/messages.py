"""The earlier generator's WebSocket messages, as fields added to appgen's own.

That generator's streaming clients read only `{"type": "progress"|"complete"|"error", "data":
{stage, message, progress, preview_url, screens_added, error}}`, and `error` at the top level of
an error. Each WebSocket message is appgen's message (`appgen.gateway.messages`) with these set:

- `data.stage`: the earlier generator's name for the event's stage (`LEGACY_STAGES`);
- `data.progress`: how far the project is, which never goes back (a background image does not
  pull the bar down);
- `data.preview_url`: the preview's absolute URL, on every message once the preview is ready
  (that client puts it in a link and a QR code outside the gateway's origin), else null;
- `data.screens_added`: the titles of the screens added so far, in screen order (at most the
  40 screens of 80 characters a spec can have, so a message stays small whatever an event says);
- `data.error`: the failure's reason on `StageFailed` and `ProjectFailed`, else null; an `error`
  message carries it at the top level too;
- on `complete`: `data.success` (true), `data.project_id` and `data.app_name`.

Screens, name, preview and progress depend on the events before, so each socket has a
`LegacyView` that folds the events it sends (seeded with the project's state at `since` when a
client resumes). Sockets that saw the same history share one JSON per event; on the hub's direct
path (`appgen.gateway.direct`) they share one view too, keyed by `state()`.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

from appgen.events import (
    AnalysisCompleted,
    Event,
    ProjectCreated,
    ProjectFailed,
    ScreenAdded,
    StageFailed,
)
from appgen.events.catalog.stages import Stage
from appgen.events.read.projection import Headline, ProjectState
from appgen.gateway.messages import FeedItem, shows_preview

# appgen's stage → the earlier generator's name for the same step. `queued` and `finalizing` have
# none and are sent as they are; that generator's `installing_deps` and `creating_tunnel` never
# happen here (no dependencies to install; the gateway serves the preview itself).
LEGACY_STAGES: Mapping[Stage, str] = {
    Stage.queued: "queued",
    Stage.analyzing: "analyzing",
    Stage.creating_project: "creating_project",
    Stage.generating_base: "generating_base",
    Stage.setting_up_preview: "starting_server",
    Stage.preview_ready: "preview_ready",
    Stage.adding_screens: "generating_screens",
    Stage.adding_components: "adding_components",
    Stage.generating_images: "generating_images",
    Stage.finalizing: "finalizing",
    Stage.complete: "complete",
    Stage.failed: "error",
    # The earlier generator's edits (`POST /chat/edit`) sent no progress; appgen's own names.
    Stage.editing: "editing",
    Stage.edit_applied: "edit_applied",
    Stage.edit_rejected: "edit_rejected",
    # The native stage (docs/expo.md) is appgen's own too.
    Stage.native: "native",
}


# A spec's bounds (appgen.spec: at most 40 screens, labels of at most 80 characters).
MAX_SCREENS = 40
MAX_NAME = 80


def legacy_stage(stage: Stage) -> str:
    return LEGACY_STAGES[stage]


def _failure(event: Event) -> str | None:
    if isinstance(event, StageFailed | ProjectFailed):
        return event.reason
    return None


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


class LegacyView:
    """One socket's view of its project: what the earlier generator's fields need to know."""

    def __init__(self, origin: str) -> None:
        # The http(s) origin that makes preview paths absolute.
        self.origin = origin
        self.headline = Headline()
        self.screens: dict[int, str] = {}
        self.app_name: str | None = None
        self.preview_url: str | None = None

    def seed(self, state: ProjectState, preview_path: str | None) -> None:
        """Start from the project's state at the client's `since` (a resumed client), and its
        preview's link if the preview was live by then."""
        self.headline = Headline(state.stage, state.status, state.progress)
        titles = [screen.title[:MAX_NAME] for screen in state.screens[:MAX_SCREENS]]
        self.screens = dict(enumerate(titles))
        self.app_name = state.name
        if preview_path is not None:
            self.preview_url = self.origin + preview_path

    def state(self) -> Hashable:
        """Equal for two views that render every future event the same."""
        screens = tuple(sorted(self.screens.items()))
        return (self.origin, self.headline, screens, self.app_name, self.preview_url)

    def copy(self) -> LegacyView:
        view = LegacyView(self.origin)
        view.assume(self)
        return view

    def assume(self, other: LegacyView) -> None:
        """Take `other`'s state as this view's own."""
        self.origin = other.origin
        self.headline = other.headline
        self.screens = dict(other.screens)
        self.app_name = other.app_name
        self.preview_url = other.preview_url

    @property
    def screens_added(self) -> list[str]:
        return [self.screens[index] for index in sorted(self.screens)]

    def apply(self, item: FeedItem) -> None:
        event = item.event
        self.headline = self.headline.step(event)
        if isinstance(event, ProjectCreated):
            self.app_name = event.name
        elif isinstance(event, AnalysisCompleted):
            self.app_name = self.app_name or event.spec.name
        elif isinstance(event, ScreenAdded) and event.index < MAX_SCREENS:
            self.screens[event.index] = event.title[:MAX_NAME]
        elif shows_preview(event):
            self.preview_url = self.origin + item.preview

    def render(self, item: FeedItem) -> str:
        """The item's WebSocket message (JSON): appgen's fields and the earlier generator's."""
        self.apply(item)
        key = (
            self.origin,
            tuple(self.screens_added),
            self.app_name,
            self.preview_url,
            self.headline.progress,
        )
        return item.variant(key, lambda: _dumps(self.message(item)))

    def message(self, item: FeedItem) -> dict[str, Any]:
        """The message for `item`, with this view as it stands (after `apply(item)`)."""
        message = item.message()
        event = item.event
        reason = _failure(event)
        message["data"].update(self._data(legacy_stage(event.current_stage), reason))
        if message["type"] == "error":
            message["error"] = reason or message["data"]["message"]
        elif message["type"] == "complete":
            message["data"].update(success=True, project_id=event.project_id)
            message["data"]["app_name"] = self.app_name
        return message

    def refusal(self, reason: str, code: int) -> str:
        """The `error` message sent just before the socket closes with `code` for `reason`, so a
        client that shows `message.error` (and never the close reason) says what went wrong."""
        data = self._data("error", reason)
        data["message"] = reason
        return _dumps({"type": "error", "error": reason, "code": code, "data": data})

    def _data(self, stage: str, error: str | None) -> dict[str, Any]:
        return {
            "stage": stage,
            "progress": self.headline.progress,
            "preview_url": self.preview_url,
            "screens_added": self.screens_added,
            "error": error,
        }
