"""Writing a project's files into a folder on disk, never anywhere else.

The paths come from the gateway, so they are treated as hostile: a path is refused when it is
not a safe project path (`appgen.events.check_relative_path`: absolute, `..`, odd segments),
when a symbolic link already in the folder would carry it outside, or when its last component
is a symbolic link (which would be followed).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from appgen.events import check_relative_path


class WriteError(Exception):
    """A file that must not or could not be written, with a message for a person."""


class UnsafePath(WriteError):
    """A path that would be written outside the folder, or through a symbolic link."""


def target_for(root: Path, path: str) -> Path:
    """Where `path` lands under `root`: the parent resolved, inside `root`, the name no link.

    Raises UnsafePath; writes nothing. `root` need not exist yet.
    """
    try:
        check_relative_path(path)
    except ValueError as error:
        raise UnsafePath(f"refusing to write {path!r}: {error}") from None
    root = root.resolve()
    candidate = root / path
    try:
        # Resolving follows every link already on the way, so one pointing away shows here.
        parent = candidate.parent.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop (Python < 3.13)
        raise UnsafePath(f"refusing to write {path!r}: {error}") from None
    if not parent.is_relative_to(root):
        raise UnsafePath(
            f"refusing to write {path!r}: a symbolic link in {root} leads it to {parent}, "
            "outside the folder"
        )
    target = parent / candidate.name
    if target.is_symlink():
        raise UnsafePath(
            f"refusing to write {path!r}: {target} is a symbolic link (not following it)"
        )
    return target


def write_under(root: Path, path: str, content: bytes) -> Path:
    """Write `content` as `path` under `root` and return where; raises WriteError.

    The bytes go to a new file beside the target (created exclusively, never through a link)
    that then replaces it: a link or a hard link put in the target's place after the check is
    replaced, not written through.
    """
    target = target_for(root, path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, flags, 0o666)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnsafePath(f"refusing to write {path!r}: a symbolic link is in the way") from None
        reason = error.strerror or type(error).__name__
        raise WriteError(f"could not write {path!r} to {target}: {reason}") from None
    return target
