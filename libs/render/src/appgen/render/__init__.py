"""Renderers: pure functions from an AppSpec to the files of a generated app.

The web renderer writes plain HTML, CSS and JavaScript modules (no build step) that the gateway
serves as the live preview, in the order the pipeline produces them: `render_base` and
`render_preview_setup` first, then `render_screen` once per screen, then `render_components`.

The Expo renderer (`render_expo`) writes the same spec as an Expo Router TypeScript project for
Expo SDK 54: the zip export and the native stage's input.
"""

from appgen.render._expo import ExpoProject, expo_image_paths, expo_screen_path, render_expo
from appgen.render._expo_documents import SDK as EXPO_SDK
from appgen.render._web import (
    render_app,
    render_base,
    render_components,
    render_preview_setup,
    render_screen,
    screen_path,
)

__all__ = [
    "EXPO_SDK",
    "ExpoProject",
    "expo_image_paths",
    "expo_screen_path",
    "render_app",
    "render_base",
    "render_components",
    "render_expo",
    "render_preview_setup",
    "render_screen",
    "screen_path",
]
