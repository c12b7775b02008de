"""The shape of the domain library: typed blueprints, and terse constructors to write them with."""

from __future__ import annotations

from dataclasses import dataclass, field

from appgen.analyzer.words import humanize, plural
from appgen.spec import EntityField, Feature, FieldType


@dataclass(frozen=True)
class Palette:
    primary: str
    accent: str
    icon: str


@dataclass(frozen=True)
class EntityBlueprint:
    """An entity a domain knows. `core` ones always come with the domain; others when named."""

    name: str
    icon: str
    fields: tuple[EntityField, ...]
    title_field: str = "name"
    aliases: tuple[str, ...] = ()
    core: bool = True
    plural_label: str | None = None

    @property
    def label(self) -> str:
        return humanize(self.name)

    @property
    def plural(self) -> str:
        return self.plural_label or humanize(plural(self.name))

    @property
    def words(self) -> tuple[str, ...]:
        """Singular words (or two-word phrases) that name this entity in a prompt."""
        return (self.name.replace("_", " "), *self.aliases)


@dataclass(frozen=True)
class Domain:
    """One kind of app: the words that pick it, its entities, its look and its usual features."""

    name: str
    title: str
    suffix: str
    blurb: str
    keywords: tuple[str, ...]
    palette: Palette
    entities: tuple[EntityBlueprint, ...]
    features: frozenset[Feature] = field(default_factory=frozenset)
    categories: tuple[str, ...] = ("General", "Personal", "Work", "Other")

    @property
    def primary(self) -> EntityBlueprint:
        return self.entities[0]


def _field(name: str, kind: FieldType, required: bool, **options: object) -> EntityField:
    return EntityField.model_validate(
        {"name": name, "label": humanize(name), "type": kind, "required": required, **options}
    )


def text(name: str, *, required: bool = False, placeholder: str | None = None) -> EntityField:
    return _field(name, FieldType.text, required, placeholder=placeholder)


def long_text(name: str, *, required: bool = False) -> EntityField:
    return _field(name, FieldType.long_text, required)


def number(name: str, *, required: bool = False) -> EntityField:
    return _field(name, FieldType.number, required)


def money(name: str, *, required: bool = False) -> EntityField:
    return _field(name, FieldType.money, required)


def date(name: str, *, required: bool = False) -> EntityField:
    return _field(name, FieldType.date, required)


def datetime(name: str, *, required: bool = False) -> EntityField:
    return _field(name, FieldType.datetime, required)


def boolean(name: str) -> EntityField:
    return _field(name, FieldType.boolean, False)


def choice(name: str, *choices: str, required: bool = False) -> EntityField:
    return _field(name, FieldType.choice, required, choices=choices)


def image(name: str = "photo") -> EntityField:
    return _field(name, FieldType.image, False)


def ref(entity: str, name: str | None = None, *, required: bool = False) -> EntityField:
    return _field(name or entity, FieldType.reference, required, reference=entity)


def email(name: str = "email") -> EntityField:
    return _field(name, FieldType.email, False)


def phone(name: str = "phone") -> EntityField:
    return _field(name, FieldType.phone, False)


def url(name: str = "website") -> EntityField:
    return _field(name, FieldType.url, False)


def rating(name: str = "rating") -> EntityField:
    return _field(name, FieldType.rating, False)


def entity(
    name: str,
    icon: str,
    *fields: EntityField,
    title: str = "name",
    aliases: tuple[str, ...] = (),
    core: bool = True,
    plural_label: str | None = None,
) -> EntityBlueprint:
    return EntityBlueprint(name, icon, fields, title, aliases, core, plural_label)


PRIORITY = ("Low", "Medium", "High")
