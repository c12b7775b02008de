"""What changed between two versions of an app's spec, in sentences a person can read.

Computed from the two specs alone. Entities and fields are matched by their storage key, so a
rename (which keeps the key) reads as a rename, not as one thing removed and another added;
screens are matched by route, which edits keep stable.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict

from appgen.spec.model import AppSpec, Entity, EntityField, Screen, Theme

Action = Literal["added", "removed", "renamed", "changed"]
Target = Literal["app", "entity", "field", "screen", "theme", "feature"]

# How each theme setting is named in a sentence.
THEME_WORDS = {
    "primary": "primary colour",
    "accent": "accent colour",
    "background": "light background",
    "surface": "light surface colour",
    "text": "light text colour",
    "dark_background": "dark background",
    "dark_surface": "dark surface colour",
    "dark_text": "dark text colour",
    "icon": "app icon",
    "radius": "corner radius",
    "appearance": "appearance",
}


class Change(BaseModel):
    """One difference: what happened to what, and a sentence saying so."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Action
    target: Target
    name: str
    summary: str


def diff(old: AppSpec, new: AppSpec) -> tuple[Change, ...]:
    """Every difference from `old` to `new` a person would notice, app first, then data, then
    screens, theme and features."""
    return (
        *_app(old, new),
        *_entities(old, new),
        *_screens(old, new),
        *_theme(old.theme, new.theme),
        *_features(old, new),
    )


def _app(old: AppSpec, new: AppSpec) -> list[Change]:
    changes = []
    if old.name != new.name:
        changes.append(
            Change(
                action="renamed",
                target="app",
                name="name",
                summary=f"Renamed the app from {old.name} to {new.name}",
            )
        )
    if old.home != new.home:
        title = new.screen(new.home).title
        changes.append(
            Change(
                action="changed",
                target="app",
                name="home",
                summary=f"The app now opens on {title}",
            )
        )
    return changes


def _entities(old: AppSpec, new: AppSpec) -> list[Change]:
    before = {e.storage_key: e for e in old.entities}
    after = {e.storage_key: e for e in new.entities}
    plurals = {e.name: e.plural for e in new.entities}
    changes: list[Change] = []
    field_changes: list[Change] = []
    for key, entity in after.items():
        was = before.get(key)
        if was is None:
            changes.append(
                Change(
                    action="added",
                    target="entity",
                    name=entity.name,
                    summary=f"Added {entity.plural} ({_count(len(entity.fields), 'field')})",
                )
            )
            continue
        if was.name != entity.name or was.plural != entity.plural:
            changes.append(
                Change(
                    action="renamed",
                    target="entity",
                    name=entity.name,
                    summary=f"Renamed {was.plural} to {entity.plural}",
                )
            )
        elif was.model_dump(exclude={"fields"}) != entity.model_dump(exclude={"fields"}):
            changes.append(
                Change(
                    action="changed",
                    target="entity",
                    name=entity.name,
                    summary=f"Changed {entity.plural}{_title_note(was, entity)}",
                )
            )
        field_changes += _fields(was, entity, plurals)
    for key, entity in before.items():
        if key not in after:
            changes.append(
                Change(
                    action="removed",
                    target="entity",
                    name=entity.name,
                    summary=f"Removed {entity.plural}",
                )
            )
    return changes + field_changes


def _title_note(was: Entity, entity: Entity) -> str:
    if was.title_field == entity.title_field:
        return ""
    return f": records are now titled by {entity.field(entity.title_field).label}"


def _fields(old: Entity, new: Entity, plurals: dict[str, str]) -> list[Change]:
    before = {f.storage_key: f for f in old.fields}
    after = {f.storage_key: f for f in new.fields}
    changes = []
    for key, field in after.items():
        name = f"{new.name}.{field.name}"
        was = before.get(key)
        if was is None:
            changes.append(
                Change(
                    action="added",
                    target="field",
                    name=name,
                    summary=f"Added field {field.label} ({_kind(field)}) to {new.label}",
                )
            )
        elif was.name != field.name or was.label != field.label:
            changes.append(
                Change(
                    action="renamed",
                    target="field",
                    name=name,
                    summary=f"Renamed field {was.label} of {new.label} to {field.label}",
                )
            )
        elif was != field:
            changes.append(
                Change(
                    action="changed",
                    target="field",
                    name=name,
                    summary=f"Changed field {field.label} of {new.label}: {_field_note(was, field, plurals)}",
                )
            )
    for key, field in before.items():
        if key not in after:
            changes.append(
                Change(
                    action="removed",
                    target="field",
                    name=f"{new.name}.{field.name}",
                    summary=f"Removed field {field.label} from {new.label}",
                )
            )
    return changes


def _kind(field: EntityField) -> str:
    words = field.type.value.replace("_", " ")
    if field.choices:
        words += ": " + ", ".join(field.choices)
    return f"required {words}" if field.required else words


def _field_note(was: EntityField, field: EntityField, plurals: dict[str, str]) -> str:
    if was.type is not field.type or was.choices != field.choices:
        return f"now {_kind(field)}"
    if was.required != field.required:
        return "now required" if field.required else "now optional"
    if was.reference != field.reference:
        return f"now refers to {plurals.get(field.reference or '', field.reference)}"
    return "details changed"


def _screens(old: AppSpec, new: AppSpec) -> list[Change]:
    before = {s.route: s for s in old.screens}
    after = {s.route: s for s in new.screens}
    changes = []
    for route, screen in after.items():
        was = before.get(route)
        if was is None:
            changes.append(
                Change(
                    action="added",
                    target="screen",
                    name=route,
                    summary=f"Added the {screen.title} screen",
                )
            )
        elif was.title != screen.title:
            changes.append(
                Change(
                    action="renamed",
                    target="screen",
                    name=route,
                    summary=f"Renamed the {was.title} screen to {screen.title}",
                )
            )
        elif was != screen:
            changes.append(
                Change(
                    action="changed",
                    target="screen",
                    name=route,
                    summary=f"Changed the {screen.title} screen{_screen_note(was, screen)}",
                )
            )
    for route, screen in before.items():
        if route not in after:
            changes.append(
                Change(
                    action="removed",
                    target="screen",
                    name=route,
                    summary=f"Removed the {screen.title} screen",
                )
            )
    return changes


def _screen_note(was: Screen, screen: Screen) -> str:
    before = Counter(c.kind for c in was.components)
    after = Counter(c.kind for c in screen.components)
    # Same kind on both sides but different: the component was updated, not swapped.
    updated = [c.kind for c in screen.components if c not in was.components and before[c.kind]]
    parts = []
    for verb, kinds in (
        ("added", list((after - before).elements())),
        ("removed", list((before - after).elements())),
        ("updated", list(dict.fromkeys(k for k in updated if after[k] <= before[k]))),
    ):
        if kinds:
            parts.append(f"{verb} " + ", ".join(k.value.replace("_", " ") for k in kinds))
    if was.in_tab_bar != screen.in_tab_bar:
        parts.append("in the tab bar" if screen.in_tab_bar else "out of the tab bar")
    return ": " + "; ".join(parts) if parts else ""


def _theme(old: Theme, new: Theme) -> list[Change]:
    changes = []
    for key, words in THEME_WORDS.items():
        was, now = getattr(old, key), getattr(new, key)
        if was == now:
            continue
        if key == "appearance":
            summary = f"Switched the appearance from {was} to {now}"
        elif key == "radius":
            shape = "rounder" if now > was else "squarer"
            summary = f"Made corners {shape} ({was} → {now} px)"
        else:
            summary = f"Changed the {words} from {was} to {now}"
        changes.append(Change(action="changed", target="theme", name=key, summary=summary))
    return changes


def _features(old: AppSpec, new: AppSpec) -> list[Change]:
    changes = [
        Change(
            action="added",
            target="feature",
            name=f.value,
            summary=f"Turned on {f.value.replace('_', ' ')}",
        )
        for f in sorted(new.features - old.features)
    ]
    changes += [
        Change(
            action="removed",
            target="feature",
            name=f.value,
            summary=f"Turned off {f.value.replace('_', ' ')}",
        )
        for f in sorted(old.features - new.features)
    ]
    return changes


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
