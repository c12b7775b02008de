"""What an app's icon shows: its emoji glyph, else its initials."""

from __future__ import annotations

import re
import unicodedata

from appgen.spec import AppSpec, Entity

# The spec's placeholder glyph: an icon that shows it says nothing about the app.
_PLACEHOLDERS = frozenset({"", "•"})
_WORD = re.compile(r"[A-Za-z0-9]+")


def initials(name: str) -> str:
    """Up to two capitals from the name's first words, folded to ASCII ('Café Log' → 'CL').

    Empty when the name has no Latin letters or digits; the raster icon then draws tiles.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _WORD.findall(folded)
    return "".join(word[0].upper() for word in words[:2])


def glyph(spec: AppSpec) -> str | None:
    """The theme's glyph, or None when it is only the placeholder."""
    value = spec.theme.icon.strip()
    return None if value in _PLACEHOLDERS else value


def icon_text(spec: AppSpec) -> str:
    """What the vector icon writes in its middle: the glyph, else initials, else the name's first letter."""
    return glyph(spec) or initials(spec.name) or spec.name.strip()[:1] or "?"


def entity_mark(entity: Entity) -> str:
    """What an entity's illustration shows in its middle: its emoji, else its label's initial."""
    value = entity.icon.strip()
    return entity.label[:1].upper() if value in _PLACEHOLDERS else value
