"""Keeping a spec whole after something is taken out of it: components that name what is gone
go (or forget the field, when they work without one), and home moves to a screen that stays."""

from __future__ import annotations

from appgen.analyzer.edits.outcome import Refused
from appgen.spec import AppSpec, Component, ComponentKind, Screen

# These choose a field of their own when they are given none.
FIELD_OPTIONAL = frozenset(
    {ComponentKind.chart, ComponentKind.calendar, ComponentKind.progress_ring}
)


def tidy(spec: AppSpec) -> AppSpec:
    """`spec` with every component pointing at an entity and field that exist."""
    screens = tuple(
        screen.model_copy(update={"components": _kept(spec, screen)}) for screen in spec.screens
    )
    return spec.model_copy(update={"screens": screens})


def without_screens(spec: AppSpec, gone: set[str]) -> AppSpec:
    """`spec` without the screens routed at `gone`; refused when no screen or tab would stay."""
    screens = tuple(s for s in spec.screens if s.route not in gone)
    if not screens:
        raise Refused("That would leave the app with no screens at all.")
    tabs = [s for s in screens if s.in_tab_bar]
    if not tabs:
        raise Refused(
            "That would leave nothing in the tab bar. Remove another screen instead, or add one "
            "first, for example “add a statistics screen”."
        )
    home = spec.home if spec.home not in gone else tabs[0].route
    return spec.model_copy(update={"screens": screens, "home": home})


def _kept(spec: AppSpec, screen: Screen) -> tuple[Component, ...]:
    names = {e.name: e for e in spec.entities}
    kept = []
    for component in screen.components:
        if component.entity is not None and component.entity not in names:
            continue
        owner = names.get(component.entity or screen.entity or "")
        if component.field is not None and (
            owner is None or component.field not in {f.name for f in owner.fields}
        ):
            if component.kind not in FIELD_OPTIONAL:
                continue
            component = component.model_copy(update={"field": None})
        kept.append(component)
    return tuple(kept)
