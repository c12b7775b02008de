"""A schemathesis check (loaded with SCHEMATHESIS_HOOKS) for runs without a key: outside the
public paths, no operation may answer with success."""

from __future__ import annotations

from typing import Any

import schemathesis

PUBLIC = ("/preview/", "/healthz", "/readyz", "/api/v1/session")


@schemathesis.check
def reachable_without_auth(ctx: Any, response: Any, case: Any) -> None:
    """Without a key, every non-public operation answers 4xx (401, or 404/422 before auth)."""
    if case.path.startswith(PUBLIC):
        return
    if response.status_code < 400:
        raise AssertionError(
            f"{case.method} {case.formatted_path} answered {response.status_code} without a key"
        )
