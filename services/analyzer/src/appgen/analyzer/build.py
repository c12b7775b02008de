"""Assembling the AppSpec: a dashboard home, list/detail/form screens per entity, settings, about.

Features shape the screens: search puts a search bar on lists, charts a chart on the dashboard,
calendar a calendar, progress a progress ring, login a sign-in screen; choice and favourite
fields get filter chips.
"""

from __future__ import annotations

import re

from appgen.analyzer.domains import Domain
from appgen.spec import (
    AppSpec,
    Component,
    ComponentKind,
    Entity,
    Feature,
    FieldType,
    Screen,
    Theme,
)
from appgen.spec import ScreenKind as Kind

MAX_TAB_ENTITIES = 3
PREFERRED_FILTERS = ("category", "tag", "status", "type", "kind", "genre")


def build_spec(
    *,
    prompt: str,
    name: str,
    slug: str,
    description: str,
    domain: Domain | None,
    entities: tuple[Entity, ...],
    features: frozenset[Feature],
    theme: Theme,
) -> AppSpec:
    """Validate and return the whole spec; the pydantic model checks every cross-reference."""
    routes = Routes()
    home = routes.take("home")
    screens = [_dashboard(home, name, theme.icon, entities, features)]
    for index, entity in enumerate(entities):
        screens += entity_screens(entity, features, routes, in_tab_bar=index < MAX_TAB_ENTITIES)
    screens.append(
        Screen(
            route=routes.take("settings"),
            title="Settings",
            kind=Kind.settings,
            icon="⚙️",
            components=(Component(kind=ComponentKind.settings_list),),
            in_tab_bar=True,
        )
    )
    screens.append(
        Screen(
            route=routes.take("about"),
            title="About",
            kind=Kind.about,
            icon="\u2139\ufe0f",
            components=(Component(kind=ComponentKind.about_card),),
        )
    )
    if Feature.login in features:
        # The spec has no login kind; a sign-in screen is an account-settings screen.
        screens.append(
            Screen(
                route=routes.take("login"),
                title="Sign in",
                kind=Kind.settings,
                icon="🔐",
                components=(
                    Component(kind=ComponentKind.header, title="Welcome back"),
                    Component(kind=ComponentKind.login_form),
                ),
            )
        )
    return AppSpec.model_validate(
        {
            "name": name,
            "slug": slug,
            "description": description,
            "prompt": prompt,
            "domain": domain.name if domain else "custom",
            "theme": theme,
            "features": features,
            "entities": entities,
            "screens": screens,
            "home": home,
        }
    )


class Routes:
    """Hands out unique routes; a clash (an entity called 'settings') gets a suffix.

    `taken`: routes an existing app already has (an edit adding screens to it).
    """

    def __init__(self, taken: frozenset[str] = frozenset()) -> None:
        self.used: set[str] = set(taken)

    def take(self, wanted: str) -> str:
        route = wanted.replace("_", "-")[:36].strip("-")
        candidate, n = route, 2
        while candidate in self.used:
            candidate, n = f"{route}-{n}", n + 1
        self.used.add(candidate)
        return candidate


def _dashboard(
    route: str, name: str, icon: str, entities: tuple[Entity, ...], features: frozenset[Feature]
) -> Screen:
    primary = entities[0]
    components = [
        Component(kind=ComponentKind.header, title=name),
        Component(kind=ComponentKind.stat_tiles, title="At a glance"),
    ]
    if Feature.progress_tracking in features:
        owner, field = field_of(entities, (FieldType.boolean,))
        components.append(
            Component(kind=ComponentKind.progress_ring, entity=owner, field=field, title="Progress")
        )
    if Feature.charts in features:
        owner, field = field_of(
            entities, (FieldType.money, FieldType.number, FieldType.rating, FieldType.choice)
        )
        charted = _entity(entities, owner) if owner else primary
        components.append(
            Component(
                kind=ComponentKind.chart, entity=charted.name, field=field, title=charted.plural
            )
        )
    if Feature.calendar in features:
        owner, field = field_of(entities, (FieldType.date, FieldType.datetime))
        components.append(
            Component(kind=ComponentKind.calendar, entity=owner, field=field, title="Calendar")
        )
    components.append(
        Component(
            kind=ComponentKind.record_list,
            entity=primary.name,
            title=f"Recent {primary.plural.lower()}"[:80],
        )
    )
    return Screen(
        route=route,
        title="Home",
        kind=Kind.dashboard,
        icon=icon or "🏠",
        components=tuple(components),
        in_tab_bar=True,
    )


def _entity(entities: tuple[Entity, ...], name: str) -> Entity:
    return next(e for e in entities if e.name == name)


def field_of(
    entities: tuple[Entity, ...], types: tuple[FieldType, ...]
) -> tuple[str | None, str | None]:
    """The first field of the most preferred type, searching entities in order."""
    for wanted in types:
        for entity in entities:
            for field in entity.fields:
                if field.type is wanted:
                    return entity.name, field.name
    return None, None


def entity_screens(
    entity: Entity, features: frozenset[Feature], routes: Routes, *, in_tab_bar: bool
) -> list[Screen]:
    """The list, detail and form screens of one entity (also used by edits that add one)."""
    singular = entity.name.replace("_", "-")
    list_route = routes.take(_plural_route(entity))
    detail_route = routes.take(singular)
    form_route = routes.take(f"{singular}-form")
    listing: list[Component] = [Component(kind=ComponentKind.header, title=entity.plural)]
    if Feature.search in features:
        listing.append(Component(kind=ComponentKind.search_bar, entity=entity.name))
    for field in _filter_fields(entity):
        listing.append(Component(kind=ComponentKind.filter_chips, entity=entity.name, field=field))
    shows_pictures = any(f.type is FieldType.image for f in entity.fields)
    listing.append(
        Component(
            kind=ComponentKind.card_grid if shows_pictures else ComponentKind.record_list,
            entity=entity.name,
        )
    )
    listing.append(
        Component(
            kind=ComponentKind.empty_state,
            entity=entity.name,
            title=f"No {entity.plural.lower()} yet"[:80],
        )
    )
    return [
        Screen(
            route=list_route,
            title=entity.plural,
            kind=Kind.list,
            entity=entity.name,
            icon=entity.icon,
            components=tuple(listing),
            in_tab_bar=in_tab_bar,
        ),
        Screen(
            route=detail_route,
            title=entity.label,
            kind=Kind.detail,
            entity=entity.name,
            icon=entity.icon,
            components=(
                Component(kind=ComponentKind.header, title=entity.label),
                Component(kind=ComponentKind.record_detail, entity=entity.name),
                Component(
                    kind=ComponentKind.confirm_dialog,
                    entity=entity.name,
                    title=f"Delete this {entity.label.lower()}?"[:80],
                ),
            ),
        ),
        Screen(
            route=form_route,
            title=f"Edit {entity.label.lower()}"[:80],
            kind=Kind.form,
            entity=entity.name,
            icon=entity.icon,
            components=(
                Component(kind=ComponentKind.header, title=entity.label),
                Component(kind=ComponentKind.record_form, entity=entity.name),
            ),
        ),
    ]


def _plural_route(entity: Entity) -> str:
    route = "-".join(re.findall(r"[a-z]+", entity.plural.lower()))
    if not route or route == entity.name.replace("_", "-"):
        return f"{entity.name}-list"
    return route


def _filter_fields(entity: Entity) -> list[str]:
    """At most two filters: the most telling choice field, and favourites."""
    choices = [f.name for f in entity.fields if f.type is FieldType.choice]
    chosen = [n for n in PREFERRED_FILTERS if n in choices][:1] or choices[:1]
    if any(f.name == "favorite" and f.type is FieldType.boolean for f in entity.fields):
        chosen.append("favorite")
    return chosen
