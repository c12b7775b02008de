"""Renderers: pure functions from an AppSpec to the files of a generated app.

The web renderer writes plain HTML, CSS and JavaScript modules (no build step) that the gateway
serves as the live preview, in the order the pipeline produces them: `render_base` and
`render_preview_setup` first, then `render_screen` once per screen, then `render_components`.
"""

from appgen.render._web import (
    render_app,
    render_base,
    render_components,
    render_preview_setup,
    render_screen,
    screen_path,
)

__all__ = [
    "render_app",
    "render_base",
    "render_components",
    "render_preview_setup",
    "render_screen",
    "screen_path",
]
