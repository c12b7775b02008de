"""The app spec: the versioned contract between the analyzer and the renderers."""

from __future__ import annotations

from typing import Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from appgen.spec.vocabulary import (
    ComponentKind,
    Feature,
    FieldType,
    HexColour,
    Identifier,
    Label,
    Route,
    ScreenKind,
    Text,
)

SPEC_VERSION: Final[Literal[1]] = 1

# Kinds of screen that are about one entity and must name it.
ENTITY_SCREENS = frozenset({ScreenKind.list, ScreenKind.detail, ScreenKind.form})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityField(_Strict):
    name: Identifier
    label: Label
    type: FieldType
    required: bool = False
    choices: tuple[Label, ...] = ()
    reference: Identifier | None = Field(
        default=None, description="Entity name a reference field points to."
    )
    placeholder: Label | None = None
    stored_as: Identifier | None = Field(
        default=None,
        description="The key its values are stored under; set when renamed so existing records stay.",
    )

    @property
    def storage_key(self) -> str:
        return self.stored_as or self.name

    @model_validator(mode="after")
    def _type_options(self) -> Self:
        if self.type is FieldType.choice and len(self.choices) < 2:
            raise ValueError(f"choice field {self.name!r} needs at least two choices")
        if self.type is not FieldType.choice and self.choices:
            raise ValueError(f"only choice fields have choices ({self.name!r} is {self.type})")
        if (self.type is FieldType.reference) != (self.reference is not None):
            raise ValueError(
                f"field {self.name!r}: a reference field, and only one, names an entity"
            )
        return self


class Entity(_Strict):
    name: Identifier = Field(description="Singular identifier, e.g. 'plant'.")
    label: Label = Field(description="Singular display name, e.g. 'Plant'.")
    plural: Label = Field(description="Plural display name, e.g. 'Plants'.")
    icon: str = Field(default="•", max_length=8, description="An emoji or glyph.")
    fields: tuple[EntityField, ...] = Field(min_length=1, max_length=40)
    title_field: Identifier = Field(description="The field shown as a record's title.")
    stored_as: Identifier | None = Field(
        default=None,
        description="The key its records are stored under; set when renamed so existing records stay.",
    )

    @property
    def storage_key(self) -> str:
        return self.stored_as or self.name

    @model_validator(mode="after")
    def _fields_consistent(self) -> Self:
        names = [f.name for f in self.fields]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"entity {self.name!r} repeats fields {sorted(duplicates)}")
        keys = [f.storage_key for f in self.fields]
        shared = {k for k in keys if keys.count(k) > 1}
        if shared:
            # Two fields under one key would read and overwrite each other's values.
            raise ValueError(f"entity {self.name!r} stores two fields under {sorted(shared)}")
        if self.title_field not in names:
            raise ValueError(
                f"entity {self.name!r}: title field {self.title_field!r} is not a field"
            )
        return self

    def field(self, name: str) -> EntityField:
        return next(f for f in self.fields if f.name == name)


class Component(_Strict):
    kind: ComponentKind
    entity: Identifier | None = None
    field: Identifier | None = Field(
        default=None, description="The field a chart, stat or filter is about."
    )
    title: Label | None = None


class Screen(_Strict):
    route: Route = Field(description="Hash route and file stem, e.g. 'plants'.")
    title: Label
    kind: ScreenKind
    entity: Identifier | None = None
    icon: str = Field(default="•", max_length=8)
    components: tuple[Component, ...] = ()
    in_tab_bar: bool = False


class Theme(_Strict):
    primary: HexColour
    accent: HexColour
    background: HexColour = "#f7f7fb"
    surface: HexColour = "#ffffff"
    text: HexColour = "#1b1b1f"
    dark_background: HexColour = "#121217"
    dark_surface: HexColour = "#1d1d24"
    dark_text: HexColour = "#ececf1"
    icon: str = Field(default="✨", max_length=8, description="The app's glyph, used for its icon.")
    radius: int = Field(default=14, ge=0, le=32)
    appearance: Literal["auto", "light", "dark"] = Field(
        default="auto",
        description="The palette before a person picks one: 'auto' follows the system.",
    )


class AppSpec(_Strict):
    """A whole app. Renderers are pure functions of this model."""

    version: Literal[1] = SPEC_VERSION
    name: Label
    slug: Identifier
    description: Text
    prompt: Text = Field(description="The words the spec was made from, kept as data.")
    domain: Identifier = Field(description="The library domain it came from, or 'custom'.")
    theme: Theme
    features: frozenset[Feature] = frozenset()
    entities: tuple[Entity, ...] = Field(max_length=12)
    screens: tuple[Screen, ...] = Field(min_length=1, max_length=40)
    home: Route

    @field_serializer("features")
    def _sorted_features(self, features: frozenset[Feature]) -> list[Feature]:
        # A set's order differs between processes; the spec's JSON (and every file rendered
        # from it) must not, or the same spec would look changed.
        return sorted(features)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        entity_names = [e.name for e in self.entities]
        if len(set(entity_names)) != len(entity_names):
            raise ValueError("entity names must be unique")
        keys = [e.storage_key for e in self.entities]
        if len(set(keys)) != len(keys):
            raise ValueError("entities must be stored under different keys")
        known = set(entity_names)
        for entity in self.entities:
            for f in entity.fields:
                if f.reference is not None and f.reference not in known:
                    raise ValueError(
                        f"field {entity.name}.{f.name} refers to missing entity {f.reference!r}"
                    )
        routes = [s.route for s in self.screens]
        duplicates = sorted({r for r in routes if routes.count(r) > 1})
        if duplicates:
            raise ValueError(f"duplicate routes {duplicates}")
        for screen in self.screens:
            if screen.kind in ENTITY_SCREENS and screen.entity is None:
                raise ValueError(f"{screen.kind} screen {screen.route!r} must name an entity")
            if screen.entity is not None and screen.entity not in known:
                raise ValueError(f"screen {screen.route!r} uses missing entity {screen.entity!r}")
            for component in screen.components:
                self._check_component(screen, component, known)
        if self.home not in routes:
            raise ValueError(f"home route {self.home!r} is not a screen")
        if not any(s.in_tab_bar for s in self.screens):
            raise ValueError("at least one screen must be in the tab bar")
        return self

    def _check_component(self, screen: Screen, component: Component, known: set[str]) -> None:
        if component.entity is not None and component.entity not in known:
            raise ValueError(
                f"component {component.kind} on {screen.route!r} uses missing entity "
                f"{component.entity!r}"
            )
        if component.field is not None:
            owner = component.entity or screen.entity
            if owner is None:
                raise ValueError(
                    f"component {component.kind} on {screen.route!r} names a field but no entity"
                )
            entity = self.entity(owner)
            if component.field not in {f.name for f in entity.fields}:
                raise ValueError(
                    f"component {component.kind} on {screen.route!r} uses missing field "
                    f"{owner}.{component.field}"
                )

    def entity(self, name: str) -> Entity:
        for entity in self.entities:
            if entity.name == name:
                return entity
        raise KeyError(name)

    def screen(self, route: str) -> Screen:
        for screen in self.screens:
            if screen.route == route:
                return screen
        raise KeyError(route)

    @property
    def tab_bar(self) -> tuple[Screen, ...]:
        return tuple(s for s in self.screens if s.in_tab_bar)

    @property
    def component_kinds(self) -> tuple[ComponentKind, ...]:
        """Every component kind used, in first-use order: what the screens service must write."""
        seen: dict[ComponentKind, None] = {}
        for screen in self.screens:
            for component in screen.components:
                seen.setdefault(component.kind, None)
        return tuple(seen)
