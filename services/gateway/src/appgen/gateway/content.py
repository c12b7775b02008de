"""A file's bytes: inline text from its event, or binary content from the blob store."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from appgen.events import FileWrite
from appgen.events.transport.blobs import BlobStore
from appgen.gateway.problems import ProblemError


async def file_bytes(blobs: BlobStore, write: FileWrite) -> bytes:
    if write.text is not None:
        return write.text.encode()
    data = await blobs.get(write.sha256)
    if data is None:
        raise ProblemError(404, f"The content of {write.path} is not in the blob store.")
    return data


async def zip_files(blobs: BlobStore, files: dict[str, FileWrite], *, folder: str) -> bytes:
    """A zip of the files under one top folder, in path order (the same tree, the same bytes)."""
    return zip_contents({path: await file_bytes(blobs, w) for path, w in files.items()}, folder)


def zip_contents(contents: Mapping[str, bytes], folder: str) -> bytes:
    """A zip of `contents` (bytes by path) under one top folder, in path order, fixed times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(contents):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, contents[path])
    return buffer.getvalue()
