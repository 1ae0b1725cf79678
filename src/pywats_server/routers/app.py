"""`/api/App` metadata: server version, production levels, product groups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from .._context import ServerContext, context
from .._json import StrictJsonRoute

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, prefix="/api/App", tags=["App"])
Context = Annotated[ServerContext, Depends(context)]


class Level(BaseModel):
    levelId: int
    levelName: str


class ProductGroup(BaseModel):
    productGroupId: int
    productGroupName: str


@router.get("/Version")
def version(ctx: Context) -> str:
    """The WATS API version this server speaks."""
    return ctx.settings.api_version


@router.get("/Levels")
def levels(ctx: Context) -> list[Level]:
    """Production levels."""
    return [Level(levelId=i, levelName=n) for i, n in ctx.reference.levels()]


@router.get("/ProductGroups")
def product_groups(ctx: Context, includeFilters: bool = False) -> list[ProductGroup]:
    """Product groups (`includeFilters` is accepted; groups here carry no filters)."""
    return [
        ProductGroup(productGroupId=i, productGroupName=n)
        for i, n in ctx.reference.product_groups()
    ]
