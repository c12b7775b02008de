"""The theme as CSS custom properties, for light and dark, following the system unless chosen."""

from __future__ import annotations

from appgen.spec import Theme


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def on_colour(background: str) -> str:
    """White or near-black, whichever reads better on `background` (WCAG contrast)."""
    lum = _luminance(background)
    return "#ffffff" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "#111114"


def theme_css(theme: Theme) -> str:
    """`:root` variables for the light theme, and the dark ones under the dark switches.

    The runtime marks the root `data-theme` light, dark or system: a person's pick, else the
    theme's appearance. Before it runs (no mark) the appearance alone decides: 'auto' follows the
    system, 'dark' is dark, 'light' is light.
    """
    shared = (
        f"  --primary: {theme.primary};\n"
        f"  --accent: {theme.accent};\n"
        f"  --on-primary: {on_colour(theme.primary)};\n"
        f"  --radius: {theme.radius}px;\n"
    )
    light = (
        f"  --bg: {theme.background};\n  --surface: {theme.surface};\n  --text: {theme.text};\n"
        "  color-scheme: light;\n"
    )
    dark = (
        f"  --bg: {theme.dark_background};\n  --surface: {theme.dark_surface};\n"
        f"  --text: {theme.dark_text};\n  color-scheme: dark;\n"
    )
    if theme.appearance == "auto":
        forced, follows = ':root[data-theme="dark"]', ':root:not([data-theme="light"])'
    elif theme.appearance == "dark":
        forced, follows = (
            ':root[data-theme="dark"],\n:root:not([data-theme])',
            ':root[data-theme="system"]',
        )
    else:
        forced, follows = ':root[data-theme="dark"]', ':root[data-theme="system"]'
    return (
        f":root {{\n{shared}{light}}}\n"
        f"{forced} {{\n{dark}}}\n"
        "@media (prefers-color-scheme: dark) {\n"
        f"{follows} {{\n{dark}}}\n"
        "}\n"
    )
