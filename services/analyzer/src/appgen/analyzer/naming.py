"""The app's name, slug, description and theme, derived from the prompt (never random)."""

from __future__ import annotations

import re
import zlib

from appgen.analyzer.domains import Domain, Palette
from appgen.analyzer.extract import Extraction
from appgen.analyzer.patterns import DETERMINERS
from appgen.analyzer.words import STOP_WORDS, fold, identifier, singular, title_case
from appgen.spec import Entity, Feature, Theme

NAME_HEADS = {
    "tracker": "Tracker",
    "planner": "Planner",
    "manager": "Manager",
    "log": "Log",
    "logger": "Log",
    "journal": "Journal",
    "diary": "Diary",
    "organizer": "Organizer",
    "list": "List",
    "keeper": "Keeper",
    "catalog": "Catalog",
    "catalogue": "Catalogue",
    "companion": "Companion",
    "hub": "Hub",
    "assistant": "Assistant",
    "app": "",
    "application": "",
}
VERB_TITLES = {
    "track": "Tracker",
    "manage": "Manager",
    "log": "Log",
    "organize": "Organizer",
    "organise": "Organiser",
    "plan": "Planner",
    "catalog": "Catalog",
    "collect": "Collection",
    "catalogue": "Catalogue",
    "record": "Log",
    "monitor": "Monitor",
    "schedule": "Scheduler",
}
MAX_NAME_WORDS = 3
# Pairs that read well on both light and dark backgrounds, for apps no domain describes.
CUSTOM_PALETTES = (
    ("#6366f1", "#f59e0b"),
    ("#0ea5e9", "#f43f5e"),
    ("#14b8a6", "#8b5cf6"),
    ("#e11d48", "#22c55e"),
    ("#7c3aed", "#facc15"),
    ("#ea580c", "#0284c7"),
    ("#0f766e", "#ec4899"),
    ("#4338ca", "#10b981"),
    ("#be123c", "#0891b2"),
    ("#15803d", "#f97316"),
)
FEATURE_NAMES = {
    Feature.search: "search",
    Feature.dark_mode: "dark mode",
    Feature.charts: "charts",
    Feature.login: "sign-in",
    Feature.reminders: "reminders",
    Feature.photos: "photos",
    Feature.favorites: "favourites",
    Feature.categories: "categories",
    Feature.calendar: "a calendar",
    Feature.sharing: "sharing",
    Feature.export: "export",
    Feature.notifications: "notifications",
    Feature.offline: "offline use",
    Feature.ratings: "ratings",
    Feature.tags: "tags",
    Feature.progress_tracking: "progress",
}


def app_name(extraction: Extraction, domain: Domain | None, entities: tuple[Entity, ...]) -> str:
    """The user's own name for the app, else one made from the words they used."""
    if extraction.explicit_name:
        return extraction.explicit_name[:80]
    name = _name_before_head(extraction, domain) or _name_after_verb(extraction)
    if name:
        return name[:80]
    if domain is not None:
        return domain.title
    return f"{entities[0].plural} Keeper"[:80]


def _content(extraction: Extraction, i: int) -> bool:
    token = extraction.tokens[i]
    return (
        token.is_word
        and token.text not in STOP_WORDS
        and extraction.singulars[i] not in STOP_WORDS
        and extraction.singulars[i] not in extraction.feature_words
        and len(token.text) <= 16
    )


def _name_before_head(extraction: Extraction, domain: Domain | None) -> str | None:
    for i, word in enumerate(extraction.singulars):
        if word not in NAME_HEADS:
            continue
        start = i
        while start > 0 and i - start < MAX_NAME_WORDS and _content(extraction, start - 1):
            start -= 1
        words = [t.text for t in extraction.tokens[start:i]]
        if not words:
            continue
        head = NAME_HEADS[word] or (domain.suffix if domain else "")
        if singular(head.lower()) in {singular(w) for w in words}:
            head = ""
        return title_case([*words, head]).strip()
    return None


def _name_after_verb(extraction: Extraction) -> str | None:
    singulars = extraction.singulars
    for i, word in enumerate(singulars):
        if word not in VERB_TITLES:
            continue
        j = i + 1
        while j < len(singulars) and singulars[j] in DETERMINERS | {"track", "of"}:
            j += 1
        end = j
        while end < len(singulars) and end - j < MAX_NAME_WORDS and _content(extraction, end):
            end += 1
        if end > j:
            return title_case([*(t.text for t in extraction.tokens[j:end]), VERB_TITLES[word]])
    return None


def slug(name: str, entities: tuple[Entity, ...]) -> str:
    """An identifier from the name's ASCII letters; from the main entity when the name has none."""
    words = re.findall(r"[a-z][a-z0-9]*", fold(name))
    return identifier(words) or identifier([entities[0].name, "app"])


def description(
    name: str, domain: Domain | None, entities: tuple[Entity, ...], features: frozenset[Feature]
) -> str:
    plurals = [e.plural.lower() for e in entities]
    listed = plurals[0] if len(plurals) == 1 else ", ".join(plurals[:-1]) + " and " + plurals[-1]
    what = domain.blurb if domain else "keeps track of what matters to you"
    text = f"{name} {what}: {listed}."
    named = [FEATURE_NAMES[f] for f in sorted(features)]
    if named:
        extras = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        text += f" With {extras}."
    return text[:4000]


def theme(domain: Domain | None, entities: tuple[Entity, ...]) -> Theme:
    if domain is not None:
        palette = domain.palette
    else:
        # crc32, not hash(): the same prompt must give the same colours in every process.
        primary, accent = CUSTOM_PALETTES[
            zlib.crc32(entities[0].name.encode()) % len(CUSTOM_PALETTES)
        ]
        palette = Palette(primary, accent, entities[0].icon)
    return Theme(primary=palette.primary, accent=palette.accent, icon=palette.icon)
