"""Drafts: entities being assembled, named in the user's words.

A draft comes from a domain blueprint or from a noun alone. Either way its name and labels are
the user's: a blueprint the prompt calls by another word ("setlists" for the music domain's
playlists) takes that word as its name and keeps the blueprint's fields, and the references to
it follow. Every draft ends with a text title, so a record can always be found by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from appgen.analyzer import lexicon
from appgen.analyzer.domains import DOMAINS, EntityBlueprint
from appgen.analyzer.domains.base import (
    boolean,
    date,
    email,
    image,
    long_text,
    phone,
    rating,
    ref,
    text,
)
from appgen.analyzer.phrases import Mention
from appgen.analyzer.words import humanize, identifier, plural
from appgen.spec import Entity, EntityField, FieldType


@dataclass
class Draft:
    """An entity being assembled: mutable until it becomes a spec `Entity`.

    `position` is where the prompt names it (None for what the domain adds on its own).
    """

    name: str
    label: str
    plural: str
    icon: str
    fields: list[EntityField]
    title_field: str
    words: tuple[str, ...]
    custom: bool = False
    position: int | None = None

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    def has_type(self, *types: FieldType) -> bool:
        return any(f.type in types for f in self.fields)

    def add(self, field: EntityField) -> None:
        if not self.has(field.name) and len(self.fields) < 40:
            self.fields.append(field)

    def add_ref(self, target: str, *, at: int | None = None) -> None:
        """A reference field to `target`, named after it unless that name is taken."""
        if any(f.reference == target for f in self.fields):
            return
        field = ref(target, target if not self.has(target) else f"{target}_ref")
        self.fields.insert(len(self.fields) if at is None else at, field)

    def freeze(self, known: set[str]) -> Entity:
        fields = tuple(f for f in self.fields if f.reference is None or f.reference in known)
        return Entity(
            name=self.name,
            label=self.label,
            plural=self.plural,
            icon=self.icon,
            fields=fields,
            title_field=self.title_field,
        )


def from_blueprint(blueprint: EntityBlueprint) -> Draft:
    return Draft(
        blueprint.name,
        blueprint.label,
        blueprint.plural,
        blueprint.icon,
        list(blueprint.fields),
        blueprint.title_field,
        blueprint.words,
    )


def claim(
    blueprint: EntityBlueprint, mention: Mention, term: str, *, taken: set[str], as_list: bool
) -> Draft:
    """The blueprint for a noun of the prompt, which named it `term` (one of its words).

    A term that is not the blueprint's own name becomes the draft's name unless another entity
    has it. `as_list`: the prompt called the records "a shopping list"; the records stay items,
    and the list of them takes the user's words.
    """
    draft = from_blueprint(blueprint)
    draft.position = mention.position
    words = _phrase(mention, term)
    if as_list:
        draft.plural = humanize(" ".join([*words, "list"]))[:80]
        return draft
    own = term == blueprint.name.replace("_", " ")
    if own and len(words) == len(term.split()):
        return draft
    name = identifier(term.split())
    if not own and name not in taken:
        draft.name = name
    draft.label, draft.plural = _labels(words, mention.plural)
    draft.words = (*draft.words, term)
    return draft


def custom(mention: Mention, *, as_list: bool = False) -> Draft:
    """An entity for a noun no domain blueprint covers, with fields fitting its kind."""
    word = mention.word
    known = _library_blueprint(word)
    if known is not None:
        draft = claim(known, mention, word, taken=set(), as_list=as_list)
        draft.custom = True
        return draft
    modifiers = list(mention.modifiers[-2:])
    label, plural_label = _labels([*modifiers, word], mention.plural)
    if as_list:
        plural_label = humanize(" ".join([*modifiers, word, "list"]))[:80]
    kind = lexicon.kind_of(word)
    icon = (
        lexicon.ICONS.get(word)
        or lexicon.ICONS.get(modifiers[-1] if modifiers else "")
        or (lexicon.KIND_ICONS[kind])
    )
    fields = _kind_fields(kind, word)
    if kind is lexicon.Kind.thing and (
        word in lexicon.COLLECTIBLES or any(m in lexicon.COLLECTIBLES for m in modifiers)
    ):
        fields.insert(1, image("photo"))
    title = fields[0].name
    return Draft(
        word,
        label,
        plural_label,
        icon,
        fields,
        title,
        (word,),
        custom=True,
        position=mention.position,
    )


def follow_renames(drafts: list[Draft], renamed: dict[str, str]) -> None:
    """References to a renamed blueprint ('pet' → 'dog') point at, and are called by, its new name."""
    for draft in drafts:
        for index, field in enumerate(draft.fields):
            new = renamed.get(field.reference or "")
            if new is None or draft.has(new):
                continue
            name = new if field.name == field.reference else field.name
            draft.fields[index] = ref(new, name, required=field.required)


def ensure_title(draft: Draft) -> None:
    """Give a draft whose title is a date or a reference a text title, shown and searched first."""
    if _field(draft, draft.title_field).type is FieldType.text:
        return
    for name in ("name", "title"):
        if draft.has(name) and _field(draft, name).type is FieldType.text:
            draft.title_field = name
            return
    title = text("title" if not draft.has("title") else "name")
    draft.fields.insert(0, title)
    draft.title_field = title.name


def _field(draft: Draft, name: str) -> EntityField:
    return next(f for f in draft.fields if f.name == name)


def _phrase(mention: Mention, term: str) -> list[str]:
    """The user's words for a record: the words before the term in its phrase, then the term."""
    before = list(mention.modifiers[: len(mention.modifiers) - (len(term.split()) - 1)])
    return [*before[-2:], *term.split()]


def _labels(words: list[str], written_plural: bool) -> tuple[str, str]:
    label = humanize(" ".join(words))[:80]
    # "track my spending": an -ing noun written in the singular is uncountable; keep it so.
    if words[-1].endswith("ing") and not written_plural:
        return label, label
    many = humanize(" ".join([*words[:-1], plural(words[-1])]))[:80]
    return label, many


def _library_blueprint(word: str) -> EntityBlueprint | None:
    for domain in DOMAINS:
        for blueprint in domain.entities:
            if blueprint.name == word:
                return blueprint
    return None


def _kind_fields(kind: lexicon.Kind, word: str) -> list[EntityField]:
    if kind is lexicon.Kind.person:
        return [text("name", required=True), email(), phone(), long_text("notes")]
    if kind is lexicon.Kind.place:
        return [
            text("name", required=True),
            text("address"),
            rating(),
            boolean("visited"),
            long_text("notes"),
        ]
    if kind is lexicon.Kind.happening:
        fields = [text("title"), date("date", required=True), long_text("notes")]
        if word == "loan":
            fields += [date("due_back"), boolean("returned")]
        return fields
    return [text("name", required=True), long_text("description"), date("added_on")]
