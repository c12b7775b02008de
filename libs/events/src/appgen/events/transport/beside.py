"""Asking a question beside the caller's own work: a read started before it is known to be
needed, so that two waits overlap instead of following each other."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def beside(question: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    """`question` running beside the caller. An answer nobody waits for in the end (the caller
    was refused, or had enough without it; cancel it then) is dropped without asyncio's "never
    retrieved" warning."""
    task = asyncio.ensure_future(question)
    task.add_done_callback(lambda done: done.cancelled() or done.exception())
    return task
