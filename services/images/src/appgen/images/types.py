"""The images service's vocabulary: what is asked for, and what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from appgen.events import FileWrite, ModelCall


class ImageRole(StrEnum):
    """Why an image exists; `ImageGenerated.purpose` carries it."""

    icon = "icon"
    splash = "splash"
    illustration = "illustration"


@dataclass(frozen=True)
class ImageRequest:
    """One image the app needs. `entity` names the entity an illustration is of."""

    name: str
    purpose: ImageRole
    entity: str | None = None


@dataclass(frozen=True)
class Rendition:
    """One file of an image (the icon has four: SVG and three PNG sizes)."""

    path: str
    content_type: str
    data: bytes

    def file_write(self) -> FileWrite:
        return FileWrite.of_blob(self.path, self.data, self.content_type)


@dataclass(frozen=True)
class Image:
    request: ImageRequest
    renditions: tuple[Rendition, ...]
    # What a model-based generator spent making it; the built-in art spends nothing.
    model_calls: tuple[ModelCall, ...] = field(default=())
    # Why a model-made image was drawn instead (the model failed); None when it was not.
    fell_back: str | None = None
