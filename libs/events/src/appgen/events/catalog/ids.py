"""Identifiers: project ids that are safe as subject tokens, and event ids derived from their cause."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from pydantic import StringConstraints

# A project id is a NATS subject token and a URL path segment, so no dots, wildcards or slashes.
PROJECT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
ProjectId = Annotated[str, StringConstraints(pattern=PROJECT_ID_PATTERN)]
_PROJECT_ID = re.compile(PROJECT_ID_PATTERN)

# Namespace for ids that are a function of the project alone (e.g. the one ProjectCompleted).
_PROJECT_NAMESPACE = uuid.UUID("5f0c2a4e-7d3b-4f51-9a7e-0b1d6c2f8a93")


def new_project_id() -> str:
    return uuid.uuid4().hex


def is_project_id(value: str) -> bool:
    return _PROJECT_ID.fullmatch(value) is not None


def derived_event_id(cause: uuid.UUID, key: str) -> uuid.UUID:
    """The id of an event caused by `cause`: the same cause and key always give the same id.

    This is what makes a redelivered input republish identical ids, which JetStream's
    `Nats-Msg-Id` window and the store's unique key then drop.
    """
    return uuid.uuid5(cause, key)


def project_event_id(project_id: str, key: str) -> uuid.UUID:
    """An id that depends only on the project, for events that two racing paths may both emit."""
    return uuid.uuid5(_PROJECT_NAMESPACE, f"{project_id}:{key}")
