"""The web build: the project in the one workspace, `tsc --noEmit`, then `expo export --platform
web`, through `appgen.render.expo_toolchain`. Blocking: the handler runs it in a thread."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from appgen.render.expo_toolchain import (
    ToolchainError,
    dependency_tree,
    export_web,
    missing_tools,
    typecheck,
    workspace,
)
from appgen.render.gate import Gate

LOG_LINES = 60


@dataclass(frozen=True)
class Build:
    """A finished build: its output files by path when it worked, else why not."""

    seconds: float
    files: dict[str, bytes] = field(default_factory=dict)
    reason: str = ""
    log_tail: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


class WebBuilder:
    """Builds Expo projects for the web with the SDK's shared dependency tree."""

    def __init__(
        self,
        cache: Path | None = None,
        *,
        check: bool = True,
        timeout: float = 600.0,
        gate: Gate | None = None,
    ):
        self.cache = cache
        self.check = check
        self.timeout = timeout
        # Closed while generations run: the build stands still (`appgen.native.activity`).
        self.gate = gate

    def missing(self) -> str | None:
        """Why nothing can be built here (Node.js missing), or None."""
        return missing_tools()

    def tree(self) -> Path:
        return dependency_tree(self.cache)

    def build(self, files: Mapping[str, bytes]) -> Build:
        started = time.monotonic()
        try:
            tree = self.tree()
        except ToolchainError as error:
            return Build(
                time.monotonic() - started,
                reason="installing the SDK failed",
                log_tail=str(error)[-8000:],
            )
        with (
            workspace(tree, files) as root,
            tempfile.TemporaryDirectory(prefix="appgen-native-") as out,
        ):
            if self.check:
                checked = typecheck(root, timeout=self.timeout, gate=self.gate)
                if checked.returncode != 0:
                    return Build(
                        time.monotonic() - started,
                        reason=f"tsc --noEmit failed ({checked.returncode})",
                        log_tail=checked.tail(LOG_LINES),
                    )
            bundled = export_web(root, Path(out), timeout=self.timeout, gate=self.gate)
            if bundled.returncode != 0:
                return Build(
                    time.monotonic() - started,
                    reason=f"expo export --platform web failed ({bundled.returncode})",
                    log_tail=bundled.tail(LOG_LINES),
                )
            output = {
                path.relative_to(out).as_posix(): path.read_bytes()
                for path in sorted(Path(out).rglob("*"))
                if path.is_file() and not path.is_symlink()
            }
        return Build(time.monotonic() - started, files=output)
