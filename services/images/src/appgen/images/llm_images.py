"""Pictures from an images API (APPGEN_IMAGE_MODEL): each entity's illustration.

The icon and the splash stay drawn (the icon needs exact PNG sizes for the manifest, the splash
carries the app's name as text). A model picture is wrapped in an SVG at the illustration's own
path, so the files the renderer points at do not change. On any failure the drawn art stays, and
the Image says why so the handler can record an ImageFellBack.
"""

from __future__ import annotations

import base64

from appgen.events import ModelCall
from appgen.images.art import SVG, illustration_path
from appgen.images.generator import ArtGenerator
from appgen.images.illustration import HEIGHT, WIDTH
from appgen.images.markup import text as escape
from appgen.images.types import Image, ImageRequest, ImageRole, Rendition
from appgen.llm import LLMClient, LLMError
from appgen.spec import AppSpec

_KINDS = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}


def picture_type(data: bytes) -> str | None:
    return next((kind for magic, kind in _KINDS.items() if data.startswith(magic)), None)


def prompt_for(spec: AppSpec, request: ImageRequest) -> str:
    entity = spec.entity(request.entity or "")
    # Names and colours only: the app's words reach the images API as a subject, not as orders.
    return (
        f"A friendly flat illustration of {entity.plural.lower()} for a mobile app called "
        f'"{spec.name}". Soft shapes, no text, no letters, colours around {spec.theme.primary} '
        f"and {spec.theme.accent}, plain light background."
    )


def wrap(data: bytes, kind: str, label: str) -> bytes:
    encoded = base64.b64encode(data).decode()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<image href="data:{kind};base64,{encoded}" width="{WIDTH}" height="{HEIGHT}" '
        'preserveAspectRatio="xMidYMid slice"/></svg>'
    ).encode()


class ModelImageGenerator:
    def __init__(self, client: LLMClient, art: ArtGenerator | None = None) -> None:
        self.client = client
        self.art = art or ArtGenerator()

    async def generate(self, spec: AppSpec, request: ImageRequest, *, project_id: str) -> Image:
        if request.purpose is not ImageRole.illustration or request.entity is None:
            return await self.art.generate(spec, request, project_id=project_id)
        try:
            picture = await self.client.image(
                project_id=project_id, prompt=prompt_for(spec, request)
            )
        except LLMError as error:
            return await self._art(spec, request, project_id, str(error), error.model_calls)
        kind = picture_type(picture.data)
        if kind is None:
            reason = "the images API answered with something that is not a PNG, JPEG or WebP"
            return await self._art(spec, request, project_id, reason, (picture.call,))
        label = spec.entity(request.entity).plural
        rendition = Rendition(
            illustration_path(request.entity), SVG, wrap(picture.data, kind, label)
        )
        return Image(request, (rendition,), model_calls=(picture.call,))

    async def _art(
        self,
        spec: AppSpec,
        request: ImageRequest,
        project_id: str,
        reason: str,
        calls: tuple[ModelCall, ...],
    ) -> Image:
        drawn = await self.art.generate(spec, request, project_id=project_id)
        return Image(request, drawn.renditions, model_calls=tuple(calls), fell_back=reason)
