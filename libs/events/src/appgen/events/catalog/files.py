"""Files as part of the history: each written file is recorded on the event that wrote it."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
# An Expo Router group folder, such as `(tabs)`: a folder that adds no segment to a route.
_GROUP = re.compile(r"^\([a-z][a-z0-9_-]{0,39}\)$")
MAX_PATH_LENGTH = 240


def check_relative_path(path: str) -> str:
    """Reject any path that could leave the project's folder: absolute, `..`, empty or odd segments."""
    if not path or len(path) > MAX_PATH_LENGTH:
        raise ValueError(f"file path must be 1-{MAX_PATH_LENGTH} characters")
    if path.startswith("/") or "\\" in path:
        raise ValueError(f"file path {path!r} must be relative and use '/'")
    for segment in path.split("/"):
        if segment in ("", ".", "..") or not (
            _SEGMENT.fullmatch(segment) or _GROUP.fullmatch(segment)
        ):
            raise ValueError(f"file path {path!r} has an unsafe segment {segment!r}")
    return path


RelativePath = Annotated[str, AfterValidator(check_relative_path)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class FileWrite(BaseModel):
    """One file written: text inline, binary content by hash in the blob store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: RelativePath
    content_type: str = Field(max_length=100)
    size: int = Field(ge=0)
    sha256: Sha256
    text: str | None = None
    blob: bool = Field(default=False, description="Content is in the blob store under `sha256`.")

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if self.blob == (self.text is not None):
            raise ValueError(f"{self.path}: a file is either inline text or a blob, not both")
        return self

    @classmethod
    def of_text(cls, path: str, text: str, content_type: str) -> FileWrite:
        data = text.encode()
        return cls(
            path=path,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            text=text,
        )

    @classmethod
    def of_blob(cls, path: str, data: bytes, content_type: str) -> FileWrite:
        return cls(
            path=path,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            blob=True,
        )


# A built file's segment: what bundlers name files (`close-icon@2x.png`, `_<hash>` folders),
# never `.` or `..` alone.
_BUILT_SEGMENT = re.compile(r"^[A-Za-z0-9_@+][A-Za-z0-9._@+-]{0,199}$")
MAX_BUILT_PATH_LENGTH = 400


def check_built_path(path: str) -> str:
    """Reject any build output path that could leave its folder (as `check_relative_path`, with
    the wider names a bundler writes)."""
    if not path or len(path) > MAX_BUILT_PATH_LENGTH:
        raise ValueError(f"built file path must be 1-{MAX_BUILT_PATH_LENGTH} characters")
    if path.startswith("/") or "\\" in path:
        raise ValueError(f"built file path {path!r} must be relative and use '/'")
    for segment in path.split("/"):
        if segment in ("", ".", "..") or not _BUILT_SEGMENT.fullmatch(segment):
            raise ValueError(f"built file path {path!r} has an unsafe segment {segment!r}")
    return path


class BuiltFile(BaseModel):
    """One file a build wrote: its content is in the blob store under `sha256`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Annotated[str, AfterValidator(check_built_path)]
    content_type: str = Field(max_length=100)
    size: int = Field(ge=0)
    sha256: Sha256
