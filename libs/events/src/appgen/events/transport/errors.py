"""Exceptions a handler raises to steer retries."""

from __future__ import annotations


class PermanentError(Exception):
    """The input can never succeed (retrying cannot help): the stage gives up at once.

    The message is shown to people as the failure reason, so write it for them.
    """
