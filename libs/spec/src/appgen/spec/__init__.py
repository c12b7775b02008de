"""The app spec: what the analyzer produces and every renderer consumes."""

from appgen.spec.changes import Change, diff
from appgen.spec.model import (
    SPEC_VERSION,
    AppSpec,
    Component,
    Entity,
    EntityField,
    Screen,
    Theme,
)
from appgen.spec.vocabulary import ComponentKind, Feature, FieldType, ScreenKind

__all__ = [
    "SPEC_VERSION",
    "AppSpec",
    "Change",
    "Component",
    "ComponentKind",
    "Entity",
    "EntityField",
    "Feature",
    "FieldType",
    "Screen",
    "ScreenKind",
    "Theme",
    "diff",
]
