"""`DELETE /api/Product/{partNumber}` and `DELETE /api/Product/{partNumber}/{revision}`, as the
WATS client library calls them: 204 when deleted; 200 with `{serialNumbers}` when units of the
product (revision) exist, which keep it and make it inactive (state 0) instead."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .._context import ServerContext, context, require_admin
from .._errors import ApiError
from ..storage.product_deletion import ProductDeletion
from .products import _literal_methods

__all__ = ["router"]

router = APIRouter(prefix="/api/Product", tags=["Products"], dependencies=[Depends(require_admin)])


def _deletion(ctx: Annotated[ServerContext, Depends(context)]) -> ProductDeletion:
    return ProductDeletion(ctx.database)


Deletion = Annotated[ProductDeletion, Depends(_deletion)]


class Deactivated(BaseModel):
    """The product (revision) was made inactive; these units refer to it."""

    serialNumbers: list[str]


def _answer(serials: list[str] | None) -> Response:
    if serials is None:
        return Response(status_code=204)
    return JSONResponse(Deactivated(serialNumbers=serials).model_dump())


def _not_a_route_name(part_number: str) -> None:
    served = _literal_methods().get(part_number.lower())
    if served is not None:
        raise ApiError(
            405, f"DELETE is not served on /api/Product/{part_number}: it takes {', '.join(served)}"
        )


@router.delete(
    "/{partNumber}",
    status_code=204,
    response_class=Response,
    responses={200: {"model": Deactivated, "description": "made inactive: units refer to it"}},
)
def delete_product(deletion: Deletion, partNumber: str) -> Response:
    """Delete a product with its revisions, tags, BOMs and box build; 409 when another
    product's box build lists it."""
    _not_a_route_name(partNumber)
    return _answer(deletion.delete_product(partNumber))


@router.delete(
    "/{partNumber}/{revision}",
    status_code=204,
    response_class=Response,
    responses={200: {"model": Deactivated, "description": "made inactive: units refer to it"}},
)
def delete_revision(deletion: Deletion, partNumber: str, revision: str) -> Response:
    """Delete one revision with its tags, BOM and box build."""
    _not_a_route_name(partNumber)
    return _answer(deletion.delete_revision(partNumber, revision))
