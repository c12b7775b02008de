"""Reading one change: which edit a clause asks for, as a step to run on the spec.

Patterns, not a parser: what people type to change an app is a short imperative ("add a due
date to tasks", "rename tasks to chores", "remove the settings screen"). Which list or field a
phrase means is decided when the step runs, against the spec as it is by then.
"""

from __future__ import annotations

import re
from functools import partial

from appgen.analyzer.edits.decide import add_something, remove_something, rename_something
from appgen.analyzer.edits.fields import NewField, set_required
from appgen.analyzer.edits.looks import rename_app, set_charts, set_dark_mode, set_search
from appgen.analyzer.edits.looks_grammar import look_edits
from appgen.analyzer.edits.phrases import content_words
from appgen.analyzer.edits.screens import add_screen, remove_screen, rename_screen
from appgen.analyzer.edits.steps import Edit

I = re.IGNORECASE  # noqa: E741 (read as a flag, like re.I)
_THE = r"(?:(?:the|a|an|my|our|new|another|some)\s+)*"
_SCREEN = r"(?:screen|page|tab|view)s?"
_ON = r"(?:add|turn\s+on|switch\s+on|enable|show|include|bring\s+back|put|i\s+want|give\s+me|allow)"
_OFF = (
    r"(?:remove|turn\s+off|switch\s+off|disable|hide|delete|drop|get\s+rid\s+of|no\s+more|no"
    r"|without|take\s+out|take\s+away)"
)
_FEATURE = (
    r"(?P<what>search(?:\s+(?:bar|box|field))?|charts?|graphs?|dark\s+(?:mode|theme)|night\s+mode)"
)

_APP_NAME = (
    re.compile(
        rf"^(?:call|name|rename|retitle)\s+{_THE}(?:app|application)\s+(?:to\s+|as\s+)?(?P<name>.+)$",
        I,
    ),
    re.compile(
        r"^(?:change|set)\s+(?:the\s+)?(?:app(?:'s)?\s+|application\s+)?name"
        r"(?:\s+of\s+the\s+app)?\s+to\s+(?P<name>.+)$",
        I,
    ),
    re.compile(r"^(?:call|name)\s+it\s+(?P<name>.+)$", I),
)
_FEATURE_ON = re.compile(rf"^{_ON}\s+{_THE}{_FEATURE}\b(?!\s+{_SCREEN})", I)
_FEATURE_OFF = re.compile(rf"^{_OFF}\s+{_THE}{_FEATURE}\b(?!\s+{_SCREEN})", I)
_FEATURE_TURN = re.compile(rf"^(?:turn|switch)\s+{_THE}{_FEATURE}\s+(?P<way>on|off)\b", I)
_SEARCHABLE = re.compile(r"^make\s+(?:it|them|\w+)\s+searchable$", I)

_SCREEN_RENAME = re.compile(
    rf"^(?:rename|retitle|call)\s+{_THE}(?P<old>.+?)\s+{_SCREEN}\s+(?:to|as)\s+(?P<new>.+)$", I
)
_SCREEN_TITLE = re.compile(
    rf"^(?:change|set)\s+the\s+title\s+of\s+{_THE}(?P<old>.+?)\s+{_SCREEN}\s+to\s+(?P<new>.+)$", I
)
_SCREEN_REMOVE = re.compile(
    rf"^(?:remove|delete|drop|hide|get\s+rid\s+of)\s+{_THE}(?P<what>.+?)\s+{_SCREEN}$", I
)
_SCREEN_ADD = re.compile(
    rf"^(?:add|create|include|put|make|give\s+me|i\s+want|i\s+need)\s+{_THE}(?P<what>.+?)"
    rf"\s+{_SCREEN}\b",
    I,
)

_REQUIRED = re.compile(
    rf"^(?:make|set|mark)\s+{_THE}(?P<field>.+?)\s+(?:field\s+)?(?:be\s+)?"
    r"(?P<how>required|mandatory|compulsory|optional|not\s+required)"
    r"(?:\s+(?:on|in|for)\s+(?P<entity>.+))?$",
    I,
)
_RENAME = (
    re.compile(
        rf"^(?:rename|call|retitle)\s+{_THE}(?P<old>.+?)\s+(?:to|as|into)\s+(?P<new>.+)$", I
    ),
    re.compile(rf"^change\s+the\s+name\s+of\s+{_THE}(?P<old>.+?)\s+to\s+(?P<new>.+)$", I),
    re.compile(r"^call\s+(?:the\s+)?(?P<old>[a-z]+)\s+(?P<new>[a-z]+)$", I),
)
_REMOVE = re.compile(
    r"^(?:remove|delete|drop|get\s+rid\s+of|take\s+out|take\s+away)\s+(?P<what>.+?)"
    r"(?:\s+(?:from|on|in|of)\s+(?P<entity>.+))?$",
    I,
)
_GIVE = re.compile(
    r"^give\s+(?:the\s+|all\s+|each\s+|every\s+)?(?P<entity>.+?)\s+(?P<what>(?:an?|some)\s+.+)$", I
)
_HAVE = re.compile(
    r"^(?:the\s+)?(?P<entity>[a-z ]+?)\s+(?:should\s+have|need|needs|must\s+have)\s+(?P<what>.+)$",
    I,
)
_ADD = re.compile(
    r"^(?:add|include|create|put|track|store|keep|record|i\s+want|i\s+need|also\s+track)\s+(?P<rest>.+)$",
    I,
)
_OF_FIELD = re.compile(r"^(?P<field>.+?)\s+(?:on|in|for|of)\s+(?P<entity>.+)$", I)
# Greedy: the list is named after the last preposition ("a fertilized on date to plants").
_TARGET = re.compile(
    r"^(?P<what>.+)\s+(?:to|on|for|in)\s+(?:the\s+|my\s+|each\s+|every\s+|all\s+)?(?P<entity>.+)$",
    I,
)
_PAREN = re.compile(r"\((?P<choices>[^)]*)\)")
_CHOICE_TAIL = re.compile(
    r"(?::|\s+with\s+(?:the\s+)?(?:options|choices|values)|\s+(?:options|choices)\s*:?)\s*"
    r"(?P<choices>.+)$",
    I,
)
_LIST_OF = re.compile(
    rf"^{_THE}(?:list|section|collection|kind|type)\s+(?:of|for)\s+(?P<what>.+)$", I
)
_A_LIST = re.compile(
    rf"^{_THE}(?P<what>.+?)\s+(?:list|lists|section|collection|entity|table|records?)$", I
)
_SEPARATOR = re.compile(r"\s*(?:,|\band\b|&|\bplus\b)\s*", I)
_CHOICE_SEPARATOR = re.compile(r"\s*(?:,|/|\||\bor\b|\band\b)\s*", I)
_REQUIRED_WORD = re.compile(r"\b(?:required|mandatory|compulsory)\b", I)
_APP_WORDS = frozenset({"app", "application", "it", "everything", "the app"})


def clause_edits(clause: str) -> list[Edit]:
    """The steps one clause asks for; empty when it asks for nothing this engine knows."""
    for pattern in _APP_NAME:
        if match := pattern.match(clause):
            return [partial(rename_app, text=match["name"])]
    if edit := _feature(clause):
        return [edit]
    if edit := _screen(clause):
        return [edit]
    if match := _REQUIRED.match(clause):
        field, entity = _field_and_entity(match["field"], match["entity"])
        required = match["how"].lower() in {"required", "mandatory", "compulsory"}
        return [partial(set_required, entity_phrase=entity, field_phrase=field, required=required)]
    for pattern in _RENAME:
        if match := pattern.match(clause):
            return [_rename(match["old"], match["new"])]
    if match := _REMOVE.match(clause):
        return [
            partial(remove_something, what=what, entity_phrase=match["entity"])
            for what in _items(match["what"])
        ]
    if match := _GIVE.match(clause) or _HAVE.match(clause):
        return [_add(match["what"], match["entity"])]
    if match := _ADD.match(clause):
        return [_add(match["rest"], None)]
    return look_edits(clause)


def _feature(clause: str) -> Edit | None:
    on: bool
    if match := _FEATURE_TURN.match(clause):
        on, what = match["way"].lower() == "on", match["what"]
    elif match := _FEATURE_OFF.match(clause):
        on, what = False, match["what"]
    elif match := _FEATURE_ON.match(clause):
        on, what = True, match["what"]
    elif _SEARCHABLE.match(clause):
        on, what = True, "search"
    else:
        return None
    word = what.lower()
    if word.startswith("search"):
        return partial(set_search, on=on)
    if word.startswith(("chart", "graph")):
        return partial(set_charts, on=on)
    return partial(set_dark_mode, on=on)


def _screen(clause: str) -> Edit | None:
    if match := _SCREEN_RENAME.match(clause) or _SCREEN_TITLE.match(clause):
        return partial(rename_screen, phrase=match["old"], title_text=match["new"])
    if match := _SCREEN_REMOVE.match(clause):
        return partial(remove_screen, phrase=match["what"])
    if match := _SCREEN_ADD.match(clause):
        return partial(add_screen, phrase=match["what"])
    return None


def _rename(old: str, new: str) -> Edit:
    """ "rename title to name on tasks", "rename the title of tasks to name", "rename tasks to chores"."""
    entity = None
    if target := _OF_FIELD.match(new):
        new, entity = target["field"], target["entity"]
    elif target := _OF_FIELD.match(old):
        old, entity = target["field"], target["entity"]
    return partial(rename_something, old=old, new=new, entity_phrase=entity)


def _add(rest: str, entity: str | None) -> Edit:
    choices: tuple[str, ...] = ()
    if paren := _PAREN.search(rest):
        choices = _choices(paren["choices"])
        rest = (rest[: paren.start()] + rest[paren.end() :]).strip()
    elif tail := _CHOICE_TAIL.search(rest):
        choices = _choices(tail["choices"])
        rest = rest[: tail.start()].strip()
    if entity is None and (listing := _LIST_OF.match(rest) or _A_LIST.match(rest)):
        return partial(add_something, entity_words=content_words(listing["what"]), fields=[])
    target = _TARGET.match(rest) if entity is None else None
    if target and target["entity"].strip().lower() not in _APP_WORDS:
        rest, entity = target["what"], target["entity"]
    fields = [
        NewField(
            words=content_words(_REQUIRED_WORD.sub("", item)),
            required=bool(_REQUIRED_WORD.search(item)),
        )
        for item in _items(rest)
    ]
    fields = [f for f in fields if f.words]
    if choices and len(fields) == 1:
        fields = [NewField(fields[0].words, fields[0].required, choices)]
    return partial(add_something, entity_words=[], fields=fields, entity_phrase=entity)


def _field_and_entity(field: str, entity: str | None) -> tuple[str, str | None]:
    if entity is None and (target := _OF_FIELD.match(field)):
        return target["field"], target["entity"]
    return field, entity


def _items(text: str) -> list[str]:
    return [part for part in _SEPARATOR.split(text) if part.strip()]


def _choices(text: str) -> tuple[str, ...]:
    return tuple(part for part in _CHOICE_SEPARATOR.split(text) if part.strip())
