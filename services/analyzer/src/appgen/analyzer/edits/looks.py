"""How the app looks and what it is called: appearance, colours, corners, name, and the features
search and charts (a feature and the components it needs are switched together)."""

from __future__ import annotations

from typing import Literal

from appgen.analyzer.build import field_of
from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import label
from appgen.spec import AppSpec, Component, ComponentKind, Feature, FieldType, Screen, ScreenKind

Appearance = Literal["auto", "light", "dark"]
MAX_RADIUS = 32
RADIUS_STEP = 8
CHARTED = (FieldType.money, FieldType.number, FieldType.rating, FieldType.choice)
ROOMY = frozenset({ComponentKind.record_list, ComponentKind.card_grid, ComponentKind.calendar})


def set_appearance(spec: AppSpec, appearance: Appearance) -> AppSpec:
    """'dark' also turns on the dark-mode feature; going light or automatic leaves it as it is
    unless it is asked off (the settings still offer the dark palette)."""
    theme = spec.theme.model_copy(update={"appearance": appearance})
    features = spec.features | {Feature.dark_mode} if appearance == "dark" else spec.features
    return spec.model_copy(update={"theme": theme, "features": features})


def set_colour(spec: AppSpec, role: Literal["primary", "accent"], colour: str) -> AppSpec:
    return spec.model_copy(update={"theme": spec.theme.model_copy(update={role: colour})})


def round_corners(spec: AppSpec, direction: Literal["rounder", "less", "square"]) -> AppSpec:
    radius = spec.theme.radius
    if direction == "square":
        wanted = 0
    elif direction == "rounder":
        wanted = min(MAX_RADIUS, radius + RADIUS_STEP)
    else:
        wanted = max(0, radius - RADIUS_STEP)
    if wanted == radius:
        shape = "square" if radius == 0 else "round"
        raise Refused(f"The corners are already as {shape} as they go ({radius} px).")
    return spec.model_copy(update={"theme": spec.theme.model_copy(update={"radius": wanted})})


def rename_app(spec: AppSpec, text: str) -> AppSpec:
    """A new display name. The slug stays: the app's records are stored under it."""
    name = label(text)
    if not any(c.isalpha() for c in name):
        raise Refused("Say the app's new name, for example “call the app Fitly”.")
    description = spec.description
    if description.startswith(spec.name):
        description = (name + description[len(spec.name) :])[:4000]
    screens = tuple(_retitle_header(s, spec.name, name) for s in spec.screens)
    return spec.model_copy(update={"name": name, "description": description, "screens": screens})


def _retitle_header(screen: Screen, old: str, new: str) -> Screen:
    components = tuple(
        c.model_copy(update={"title": new})
        if c.kind is ComponentKind.header and c.title == old
        else c
        for c in screen.components
    )
    return screen.model_copy(update={"components": components})


def set_search(spec: AppSpec, *, on: bool) -> AppSpec:
    """Search on: a search bar under the header of every list; off: none anywhere."""
    screens = []
    for screen in spec.screens:
        kept = tuple(c for c in screen.components if c.kind is not ComponentKind.search_bar)
        if on and screen.kind is ScreenKind.list and screen.entity is not None:
            at = 1 if kept and kept[0].kind is ComponentKind.header else 0
            bar = Component(kind=ComponentKind.search_bar, entity=screen.entity)
            kept = (*kept[:at], bar, *kept[at:])
        screens.append(screen.model_copy(update={"components": kept}))
    return _with_feature(spec, Feature.search, on, tuple(screens))


def set_charts(spec: AppSpec, *, on: bool) -> AppSpec:
    """Charts on: a chart on the dashboard, before its list; off: no chart anywhere."""
    screens = [
        s.model_copy(
            update={
                "components": tuple(c for c in s.components if c.kind is not ComponentKind.chart)
            }
        )
        for s in spec.screens
    ]
    if on:
        at = _dashboard(screens, spec.home)
        if at is None:
            raise Refused(
                "There is no dashboard to put a chart on; add one with “add a statistics screen”."
            )
        if not spec.entities:
            raise Refused("There is nothing to chart yet; add a list first.")
        owner, field = field_of(spec.entities, CHARTED)
        charted = spec.entity(owner) if owner else spec.entities[0]
        chart = Component(
            kind=ComponentKind.chart, entity=charted.name, field=field, title=charted.plural
        )
        parts = screens[at].components
        where = next((i for i, c in enumerate(parts) if c.kind in ROOMY), len(parts))
        screens[at] = screens[at].model_copy(
            update={"components": (*parts[:where], chart, *parts[where:])}
        )
    return _with_feature(spec, Feature.charts, on, tuple(screens))


def set_dark_mode(spec: AppSpec, *, on: bool) -> AppSpec:
    if on:
        return set_appearance(spec, "dark")
    theme = spec.theme.model_copy(update={"appearance": "light"})
    return spec.model_copy(update={"theme": theme, "features": spec.features - {Feature.dark_mode}})


def _dashboard(screens: list[Screen], home: str) -> int | None:
    dashboards = [i for i, s in enumerate(screens) if s.kind is ScreenKind.dashboard]
    preferred = [i for i in dashboards if screens[i].route == home]
    return next(iter(preferred or dashboards), None)


def _with_feature(
    spec: AppSpec, feature: Feature, on: bool, screens: tuple[Screen, ...]
) -> AppSpec:
    features = spec.features | {feature} if on else spec.features - {feature}
    return spec.model_copy(update={"features": features, "screens": screens})
