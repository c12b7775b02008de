"""Adding, removing and renaming screens.

A screen added by name is one the app knows how to draw: statistics (tiles and a chart), a
calendar, settings, about, or the list of one of the app's own records.
"""

from __future__ import annotations

from appgen.analyzer.build import Routes, entity_screens, field_of
from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import content_words, key, label, listed
from appgen.analyzer.edits.targets import RECORD_SCREENS, find_entity, screen_named
from appgen.analyzer.edits.tidy import without_screens
from appgen.analyzer.words import humanize, wordset
from appgen.spec import AppSpec, Component, ComponentKind, Feature, FieldType, Screen, ScreenKind

MAX_TABS = 5
STATISTICS = wordset(
    "statistic stat insight analytic chart graph overview summary report dashboard progress trend"
)
CALENDAR = wordset("calendar agenda schedule")
CHARTED = (FieldType.money, FieldType.number, FieldType.rating, FieldType.choice)
DATED = (FieldType.date, FieldType.datetime)
KNOWN = "a statistics, calendar, settings or about screen"


def add_screen(spec: AppSpec, phrase: str) -> AppSpec:
    words = set(key(phrase).split())
    title = humanize(label(phrase).lower()) or "Screen"
    entity = find_entity(spec, phrase)
    if entity is not None:
        return _entity_list(spec, entity.name)
    if words & STATISTICS:
        return _add(spec, _statistics(spec, title), Feature.charts)
    if words & CALENDAR:
        return _add(spec, _calendar(spec, title), Feature.calendar)
    if words & {"setting", "preference"}:
        return _add(spec, _single(spec, ScreenKind.settings, "Settings", "⚙️"), None)
    if words & {"about", "info", "information"}:
        return _add(spec, _single(spec, ScreenKind.about, "About", "\u2139\ufe0f"), None)
    own = listed([e.plural.lower() for e in spec.entities], "or")
    raise Refused(
        f"I can add {KNOWN}, or a list screen for {own or 'a list'}; say, for example, "
        "“add a statistics screen”."
    )


def _routes(spec: AppSpec) -> Routes:
    return Routes(frozenset(s.route for s in spec.screens))


def _statistics(spec: AppSpec, title: str) -> Screen:
    owner, field = field_of(spec.entities, CHARTED)
    components = [
        Component(kind=ComponentKind.header, title=title),
        Component(kind=ComponentKind.stat_tiles, title="At a glance"),
    ]
    charted = owner or (spec.entities[0].name if spec.entities else None)
    if charted is not None:
        plural = next(e.plural for e in spec.entities if e.name == charted)
        components.append(
            Component(kind=ComponentKind.chart, entity=charted, field=field, title=plural)
        )
    return Screen(
        route=_routes(spec).take("-".join(content_words(title)) or "statistics"),
        title=title,
        kind=ScreenKind.dashboard,
        icon="📊",
        components=tuple(components),
        in_tab_bar=len(spec.tab_bar) < MAX_TABS,
    )


def _calendar(spec: AppSpec, title: str) -> Screen:
    owner, field = field_of(spec.entities, DATED)
    if owner is None:
        raise Refused(
            "None of your lists has a date for a calendar to show. Add one first, for example "
            f"“add a date to {spec.entities[0].plural.lower() if spec.entities else 'events'}”."
        )
    return Screen(
        route=_routes(spec).take("calendar"),
        title=title,
        kind=ScreenKind.dashboard,
        icon="📅",
        components=(
            Component(kind=ComponentKind.header, title=title),
            Component(kind=ComponentKind.calendar, entity=owner, field=field, title=title),
        ),
        in_tab_bar=len(spec.tab_bar) < MAX_TABS,
    )


def _single(spec: AppSpec, kind: ScreenKind, title: str, icon: str) -> Screen:
    if any(s.kind is kind for s in spec.screens):
        raise Refused(f"The app already has a {title} screen.")
    component = (
        ComponentKind.settings_list if kind is ScreenKind.settings else ComponentKind.about_card
    )
    return Screen(
        route=_routes(spec).take(title.lower()),
        title=title,
        kind=kind,
        icon=icon,
        components=(Component(kind=component),),
        in_tab_bar=kind is ScreenKind.settings and len(spec.tab_bar) < MAX_TABS,
    )


def _add(spec: AppSpec, screen: Screen, feature: Feature | None) -> AppSpec:
    features = spec.features | {feature} if feature else spec.features
    return spec.model_copy(update={"screens": (*spec.screens, screen), "features": features})


def _entity_list(spec: AppSpec, entity_name: str) -> AppSpec:
    entity = spec.entity(entity_name)
    if any(s.kind is ScreenKind.list and s.entity == entity_name for s in spec.screens):
        raise Refused(f"{entity.plural} already have a list screen.")
    made = entity_screens(
        entity, spec.features, _routes(spec), in_tab_bar=len(spec.tab_bar) < MAX_TABS
    )
    return spec.model_copy(update={"screens": (*spec.screens, made[0])})


def remove_screen(spec: AppSpec, phrase: str) -> AppSpec:
    """Without the screen; when it was home, the first screen left in the tab bar is."""
    screen = screen_named(spec, phrase)
    if screen.kind in RECORD_SCREENS and screen.entity is not None:
        plural = spec.entity(screen.entity).plural.lower()
        raise Refused(
            f"The {screen.title} screen shows or edits one record of {plural}; it goes with the "
            f"list, for example “remove {plural}”."
        )
    return without_screens(spec, {screen.route})


def rename_screen(spec: AppSpec, phrase: str, title_text: str) -> AppSpec:
    """A new title (and header); the route stays, so links into the app keep working."""
    screen = screen_named(spec, phrase)
    title = label(title_text)
    if not title:
        raise Refused("Say the screen's new title, for example “rename the Home screen to Today”.")
    components = tuple(
        c.model_copy(update={"title": title})
        if c.kind is ComponentKind.header and c.title == screen.title
        else c
        for c in screen.components
    )
    renamed = screen.model_copy(update={"title": title, "components": components})
    screens = tuple(renamed if s.route == screen.route else s for s in spec.screens)
    return spec.model_copy(update={"screens": screens})
