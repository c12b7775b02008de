"""Colour names people say, as the hex colours a theme holds (Tailwind's 600 shades: strong
enough for white text on a button, bright enough on a dark background)."""

from __future__ import annotations

import re

COLOURS = {
    "red": "#dc2626",
    "orange": "#ea580c",
    "amber": "#d97706",
    "yellow": "#ca8a04",
    "gold": "#b45309",
    "lime": "#65a30d",
    "green": "#16a34a",
    "emerald": "#059669",
    "mint": "#10b981",
    "teal": "#0d9488",
    "cyan": "#0891b2",
    "turquoise": "#06b6d4",
    "sky": "#0284c7",
    "blue": "#2563eb",
    "navy": "#1e3a8a",
    "indigo": "#4f46e5",
    "violet": "#7c3aed",
    "purple": "#9333ea",
    "lavender": "#a78bfa",
    "magenta": "#c026d3",
    "fuchsia": "#c026d3",
    "pink": "#db2777",
    "rose": "#e11d48",
    "coral": "#f97316",
    "maroon": "#9f1239",
    "brown": "#92400e",
    "olive": "#4d7c0f",
    "grey": "#4b5563",
    "gray": "#4b5563",
    "slate": "#475569",
    "black": "#111827",
}
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def colour_in(words: list[str], text: str) -> str | None:
    """The hex colour a phrase names: "#ff8800" as written, else the first colour word."""
    written = _HEX.search(text)
    if written:
        return written.group().lower()
    return next((COLOURS[w] for w in words if w in COLOURS), None)
