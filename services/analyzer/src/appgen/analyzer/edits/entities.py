"""Adding, removing and renaming a kind of record (an entity) and the screens that show it."""

from __future__ import annotations

from appgen.analyzer.build import Routes, entity_screens
from appgen.analyzer.drafts import custom, ensure_title
from appgen.analyzer.edits.outcome import Refused
from appgen.analyzer.edits.phrases import entity_labels, ident
from appgen.analyzer.edits.targets import entity_named, find_entity, lists
from appgen.analyzer.edits.tidy import tidy, without_screens
from appgen.analyzer.patterns import MEDIUM
from appgen.analyzer.phrases import Mention
from appgen.analyzer.words import singular
from appgen.spec import AppSpec, Component, Entity, Screen, ScreenKind

MAX_ENTITIES = 12
MAX_TABS = 5
# The order screens come in: a new entity's screens go after the last entity's.
ENTITY_KINDS = frozenset({ScreenKind.list, ScreenKind.detail, ScreenKind.form})


def add_entity(spec: AppSpec, words: list[str]) -> AppSpec:
    """A new list named by `words` ("workout plans"), with the fields its kind of thing has and
    its list, detail and form screens."""
    if not words:
        raise Refused("Say what the new list holds, for example “add a projects list”.")
    existing = find_entity(spec, " ".join(words))
    if existing is not None:
        raise Refused(f"There is already a list called {existing.plural}.")
    if len(spec.entities) >= MAX_ENTITIES:
        raise Refused(f"An app can have at most {MAX_ENTITIES} lists; remove one first.")
    head = singular(words[-1])
    mention = Mention(head, tuple(words[:-1][-2:]), MEDIUM, 0, plural=True)
    draft = custom(mention)
    ensure_title(draft)
    taken = {e.name for e in spec.entities} | {e.storage_key for e in spec.entities}
    if draft.name in taken:
        draft.name = ident([*words[:-1], head])
    if draft.name in taken or not draft.name:
        raise Refused(
            f"There is already a list stored as {draft.name or 'that'}; pick another name."
        )
    known = {e.name for e in spec.entities} | {draft.name}
    entity = draft.freeze(known)
    routes = Routes(frozenset(s.route for s in spec.screens))
    in_tab_bar = len(spec.tab_bar) < MAX_TABS
    screens = entity_screens(entity, spec.features, routes, in_tab_bar=in_tab_bar)
    return spec.model_copy(
        update={
            "entities": (*spec.entities, entity),
            "screens": _insert_after_entities(spec.screens, screens),
        }
    )


def _insert_after_entities(screens: tuple[Screen, ...], new: list[Screen]) -> tuple[Screen, ...]:
    at = max((i + 1 for i, s in enumerate(screens) if s.kind in ENTITY_KINDS), default=1)
    return (*screens[:at], *new, *screens[at:])


def remove_entity(spec: AppSpec, phrase: str) -> AppSpec:
    """Without the list, its screens, the components showing it and the fields pointing at it."""
    entity = entity_named(spec, phrase)
    if len(spec.entities) == 1:
        raise Refused(
            f"{entity.plural} is the app's only list, and an app needs one. Rename it instead, "
            f"for example “rename {entity.plural.lower()} to notes”."
        )
    entities = []
    for other in spec.entities:
        if other.name == entity.name:
            continue
        fields = tuple(f for f in other.fields if f.reference != entity.name)
        if not fields or other.title_field not in {f.name for f in fields}:
            raise Refused(
                f"{other.plural} are titled by their {entity.label.lower()}; remove the "
                f"{other.plural.lower()} list first."
            )
        entities.append(other.model_copy(update={"fields": fields}))
    gone = {s.route for s in spec.screens if s.entity == entity.name}
    trimmed = without_screens(spec, gone)
    return tidy(trimmed.model_copy(update={"entities": tuple(entities)}))


def rename_entity(spec: AppSpec, phrase: str, new_words: list[str]) -> AppSpec:
    """The list under a new name; its records stay where they are stored (`stored_as`), and the
    titles that named it follow. Routes stay, so links into the app keep working."""
    entity = entity_named(spec, phrase)
    if not new_words:
        raise Refused("Say the new name in letters, for example “rename tasks to chores”.")
    name, label, plural = entity_labels(new_words)
    clash = find_entity(spec, " ".join(new_words))
    others = [e for e in spec.entities if e.name != entity.name]
    if (clash is not None and clash.name != entity.name) or name in {
        k for e in others for k in (e.name, e.storage_key)
    }:
        raise Refused(
            f"There is already a list called {plural}; your lists are {lists(spec)}. "
            "Pick another name."
        )
    stored_as = entity.storage_key if entity.storage_key != name else None
    renamed = entity.model_copy(
        update={"name": name, "label": label, "plural": plural, "stored_as": stored_as}
    )
    words = _Retitle(entity, renamed)
    entities = tuple(
        renamed if e.name == entity.name else _repoint(e, entity.name, name) for e in spec.entities
    )
    screens = tuple(words.screen(s) for s in spec.screens)
    return spec.model_copy(update={"entities": entities, "screens": screens})


def _repoint(entity: Entity, old: str, new: str) -> Entity:
    fields = tuple(
        f.model_copy(update={"reference": new}) if f.reference == old else f for f in entity.fields
    )
    return entity.model_copy(update={"fields": fields})


class _Retitle:
    """Titles that name the renamed list: "Tasks" → "Chores", "No tasks yet" → "No chores yet"."""

    def __init__(self, old: Entity, new: Entity) -> None:
        self.old, self.new = old, new
        # Plural first: "Tasks" contains "Task".
        self.pairs = [
            (old.plural, new.plural),
            (old.plural.lower(), new.plural.lower()),
            (old.label, new.label),
            (old.label.lower(), new.label.lower()),
        ]

    def text(self, title: str) -> str:
        for before, after in self.pairs:
            if before and before in title:
                return title.replace(before, after)[:80]
        return title

    def screen(self, screen: Screen) -> Screen:
        if screen.entity != self.old.name and not any(
            c.entity == self.old.name for c in screen.components
        ):
            return screen
        about = screen.entity == self.old.name
        components = tuple(self._component(c, about) for c in screen.components)
        return screen.model_copy(
            update={
                "entity": self.new.name if about else screen.entity,
                "title": self.text(screen.title) if about else screen.title,
                "components": components,
            }
        )

    def _component(self, component: Component, about: bool) -> Component:
        mine = component.entity == self.old.name
        if not (mine or about):
            return component
        update: dict[str, object] = {}
        if mine:
            update["entity"] = self.new.name
        if component.title is not None:
            update["title"] = self.text(component.title)
        return component.model_copy(update=update)
