"""`/api/internal/Blob`: the files kept with an asset (upload, list, download, delete).

Files are addressed by `assetId` (not serial number) and file name; see `storage.asset_files`
for the name rules. A download answers the stored bytes with a content type guessed from the
name (`application/octet-stream` when unknown), the file name in `Content-Disposition` and the
SHA-256 of the content as `ETag`.
"""

from __future__ import annotations

import mimetypes
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from .._context import ServerContext, context
from .._json import StrictJsonRoute
from ._answer import file_answer

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, prefix="/api/internal/Blob", tags=["Asset"])
Context = Annotated[ServerContext, Depends(context)]
_RAW_BODY = {
    "requestBody": {
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    }
}


@router.post("/Asset", openapi_extra=_RAW_BODY)
async def upload_file(ctx: Context, request: Request, assetId: str, filename: str) -> None:
    """Store the raw body as file `filename` of the asset, replacing a file of that name."""
    content = await request.body()
    await run_in_threadpool(ctx.asset_files.upload, assetId, filename, content)


@router.get("/Asset", responses=file_answer("application/octet-stream"))
def download_file(ctx: Context, assetId: str, filename: str) -> Response:
    content, sha256 = ctx.asset_files.download(assetId, filename)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    # Given as a header rather than `media_type`, which would claim `charset=utf-8` for any
    # text/* file whatever its bytes are.
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": _disposition(filename),
        "ETag": f'"{sha256}"',
    }
    return Response(content, headers=headers)


@router.get("/Asset/List/{assetId}")
def list_files(ctx: Context, assetId: str) -> list[str]:
    """The asset's file names, sorted."""
    return ctx.asset_files.names(assetId)


@router.delete("/Assets")
def delete_files(ctx: Context, assetId: str, filenames: Annotated[list[str], Body()]) -> None:
    """Delete the listed files of the asset: all of them, or none if any is missing (404)."""
    ctx.asset_files.delete(assetId, filenames)


def _disposition(name: str) -> str:
    """`attachment` naming the file: an ASCII fallback, and the exact name per RFC 6266."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
