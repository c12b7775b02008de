"""Reading how a prompt wants the app to look: appearance, colours and corners, any of which
one clause may ask for together ("make it dark with a green accent and rounder corners")."""

from __future__ import annotations

import re
from functools import partial

from appgen.analyzer.edits.colours import COLOURS, colour_in
from appgen.analyzer.edits.looks import round_corners, set_appearance, set_colour
from appgen.analyzer.edits.phrases import ascii_words
from appgen.analyzer.edits.steps import Edit

_COLOUR_NAMES = "|".join(COLOURS)
_DARK = re.compile(rf"\b(?:dark|night|darker)\b(?!\s+(?:{_COLOUR_NAMES})\b)", re.IGNORECASE)
_LIGHT = re.compile(rf"\b(?:light|lighter|bright)\b(?!\s+(?:{_COLOUR_NAMES})\b)", re.IGNORECASE)
_AUTO = re.compile(
    r"\b(?:follow|match)\w*\s+(?:the\s+)?(?:system|phone|device|os)\b|\bauto(?:matic)?\b"
    r"|\bsystem\s+(?:theme|setting|appearance)",
    re.IGNORECASE,
)
_ACCENT = re.compile(r"\b(?:accent|highlight|secondary)\b", re.IGNORECASE)
_SQUARE = re.compile(
    r"\b(?:square|squarer|sharp|sharper)\b|\bno\s+(?:rounded|round)\b", re.IGNORECASE
)
_LESS_ROUND = re.compile(
    r"\b(?:less|not\s+so|smaller|subtler)\s+(?:round|rounded|curved)\b", re.IGNORECASE
)
_ROUNDER = re.compile(
    r"\b(?:round|rounder|rounded|roundness|softer|curvier|pill|bubbly)\b", re.IGNORECASE
)


def look_edits(clause: str) -> list[Edit]:
    """Every look the clause asks for, in a fixed order; empty when it asks for none."""
    edits: list[Edit] = []
    colour = colour_in(ascii_words(clause), clause)
    if colour is not None:
        if _ACCENT.search(clause):
            edits.append(partial(set_colour, role="accent", colour=colour))
        else:
            edits.append(partial(set_colour, role="primary", colour=colour))
    if _AUTO.search(clause):
        edits.append(partial(set_appearance, appearance="auto"))
    elif _DARK.search(clause):
        edits.append(partial(set_appearance, appearance="dark"))
    elif _LIGHT.search(clause):
        edits.append(partial(set_appearance, appearance="light"))
    if _SQUARE.search(clause):
        edits.append(partial(round_corners, direction="square"))
    elif _LESS_ROUND.search(clause):
        edits.append(partial(round_corners, direction="less"))
    elif _ROUNDER.search(clause):
        edits.append(partial(round_corners, direction="rounder"))
    return edits
