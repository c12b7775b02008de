"""The shape of one step of an edit: a pure function from a spec to the revised spec, raising
`Refused` when it cannot be made."""

from __future__ import annotations

from collections.abc import Callable

from appgen.spec import AppSpec

Edit = Callable[[AppSpec], AppSpec]
