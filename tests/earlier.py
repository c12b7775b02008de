"""The earlier generator's vocabulary, as its clients know it (issue: its clients work unchanged)."""

from __future__ import annotations

# Every stage name the earlier generator's clients know.
EARLIER_STAGES = frozenset(
    {
        "analyzing",
        "creating_project",
        "generating_base",
        "installing_deps",
        "starting_server",
        "creating_tunnel",
        "preview_ready",
        "generating_screens",
        "adding_components",
        "generating_images",
        "complete",
        "error",
    }
)
