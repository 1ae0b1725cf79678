"""`/api/Product/ProductGroup` and `/api/Product/ProductGroupsByProduct`: product-group CRUD as
the WATS client library calls it (not in rest-api.md; docs/domains.md says what was inferred).

Groups here carry a name and member products; a `description` or `isPublic` the client sends
cannot be kept, so a non-empty one is refused (400) rather than dropped.
Mounted before the products router: these route names win over `/api/Product/{partNumber}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete

from .._context import ServerContext, context, require_admin
from .._errors import ApiError
from ..storage.products import GroupDraft, ProductGroup, product_group_members
from ..storage.reference import product_groups
from ._answer import Answer

__all__ = ["router"]

router = APIRouter(prefix="/api/Product", tags=["Products"])
Context = Annotated[ServerContext, Depends(context)]
Admin = [Depends(require_admin)]


class GroupBody(BaseModel):
    """A group as the client writes it: `name` (or `productGroupName`), members optional."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    productGroupId: int | None = Field(default=None, alias="productGroupId")
    id: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)
    productGroupName: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = None
    isPublic: bool | None = None
    partNumbers: list[str] | None = None


class Group(Answer):
    """A product group as the internal API answers it: its name twice (`name` too)."""

    product_group_id: int
    product_group_name: str
    name: str
    part_numbers: list[str]

    @classmethod
    def of(cls, group: ProductGroup) -> Group:
        return cls(
            product_group_id=group.product_group_id,
            product_group_name=group.product_group_name,
            name=group.product_group_name,
            part_numbers=group.part_numbers,
        )


def _draft(body: GroupBody, group_id: int | None) -> GroupDraft:
    if body.description:
        raise ApiError(400, "description: product groups here have a name and members only")
    if body.isPublic is False:
        raise ApiError(400, "isPublic: every product group here is public")
    name = body.name or body.productGroupName
    if name is None:
        raise ApiError(400, "name: required")
    return GroupDraft(name, group_id, body.partNumbers)


@router.get("/ProductGroup", response_model=list[Group])
def list_groups(ctx: Context, id: int | None = None, includeFilters: bool = False) -> Any:
    """Every group, or the one with `id` (404 when unknown). Groups here have no filters."""
    groups = [Group.of(g) for g in ctx.products.groups()]
    if id is None:
        return groups
    chosen = [g for g in groups if g.product_group_id == id]
    if not chosen:
        raise ApiError(404, f"product group {id} not found")
    return chosen


@router.post("/ProductGroup", response_model=Group, dependencies=Admin)
def create_group(ctx: Context, body: GroupBody) -> Any:
    """Create a group; 409 when the name is taken."""
    name = body.name or body.productGroupName
    if name is not None and any(g.product_group_name == name for g in ctx.products.groups()):
        raise ApiError(409, f"name: product group {name!r} exists")
    return Group.of(ctx.products.save_group(_draft(body, None)))


@router.put("/ProductGroup", response_model=Group, dependencies=Admin)
def update_group(ctx: Context, body: GroupBody) -> Any:
    """Rename a group (by `productGroupId` or `id`) or set its members."""
    group_id = body.productGroupId if body.productGroupId is not None else body.id
    if group_id is None:
        raise ApiError(400, "productGroupId: required to update a group")
    return Group.of(ctx.products.save_group(_draft(body, group_id)))


@router.delete("/ProductGroup/{id}", status_code=204, response_class=Response, dependencies=Admin)
def delete_group(ctx: Context, id: int) -> Response:
    """Delete a group and its memberships; 404 when unknown."""
    with ctx.database.engine.begin() as connection:
        connection.execute(
            delete(product_group_members).where(product_group_members.c.product_group_id == id)
        )
        gone = connection.execute(
            delete(product_groups).where(product_groups.c.product_group_id == id)
        )
    if gone.rowcount == 0:
        raise ApiError(404, f"product group {id} not found")
    return Response(status_code=204)


@router.get("/ProductGroupsByProduct", response_model=list[Group])
def groups_by_product(ctx: Context, partNumber: str, revision: str | None = None) -> Any:
    """The groups a product belongs to (membership is per product, so `revision`, when
    given, must be one of its revisions)."""
    if revision is not None:
        with ctx.database.engine.connect() as connection:
            ctx.products.revision_id(connection, partNumber, revision)
    return [Group.of(g) for g in ctx.products.groups(partNumber)]
