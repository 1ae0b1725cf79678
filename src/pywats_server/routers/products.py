"""`/api/Product`: products, revisions, groups, tags, BOMs (WSBF and JSON), box build,
categories and vendors.

`partNumbers` on a product group and part-number/revision references in a revision relation
(instead of revision ids) are pyWATS extensions.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .._context import ServerContext, context
from .._errors import ApiError
from .._json import StrictJsonRoute
from ..storage import Tag, TagChange, parse_wsbf
from ..storage._tags import DELETE_CHANGE
from ..storage.product_catalog import CatalogEntry
from ..storage.product_catalog import Category as StoredCategory
from ..storage.product_catalog import Vendor as StoredVendor
from ..storage.product_structure import BomItem as StoredBomItem
from ..storage.product_structure import BomLine, RelationDraft
from ..storage.product_structure import HierarchyRoot as StoredRoot
from ..storage.product_structure import HierarchyRow as StoredRow
from ..storage.product_structure import RevisionRelation as StoredRelation
from ..storage.products import GroupDraft, ProductDraft, Revision, RevisionDraft
from ..storage.products import Product as StoredProduct
from ..storage.products import ProductGroup as StoredGroup
from ..storage.products import ProductRow as ListedProduct
from ._product_answers import (
    BomItemAnswer,
    CategoryAnswer,
    GroupAnswer,
    HierarchyRoot,
    HierarchyRow,
    ProductAnswer,
    ProductRow,
    ProductWithRelations,
    RelationAnswer,
    RevisionAnswer,
    TagAnswer,
    VendorAnswer,
)
from ._query_options import Filter, OrderBy, Skip, Top

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, tags=["Product"])
Context = Annotated[ServerContext, Depends(context)]
_XML_BODY = {"requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}}}


class Setting(BaseModel):
    """A tag: `change` 0 none, 1 add, 2 update, 3 delete."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1)
    value: str | None = None
    change: int | None = None

    def tag_change(self) -> TagChange:
        return TagChange(self.key, self.value, delete=self.change == DELETE_CHANGE)


class ProductRevision(BaseModel):
    model_config = ConfigDict(extra="ignore")

    revision: str = Field(min_length=1)
    partNumber: str | None = None
    productId: str | None = None
    productRevisionId: str | None = None
    name: str | None = None
    description: str | None = None
    state: int = 1
    xmlData: str | None = None
    tags: list[Setting] | None = None

    def draft(self) -> RevisionDraft:
        return RevisionDraft(
            revision=self.revision,
            part_number=self.partNumber,
            product_id=self.productId,
            name=self.name,
            description=self.description,
            state=self.state,
            xml_data=self.xmlData,
            tags=_tags(self.tags),
        )


class Product(BaseModel):
    model_config = ConfigDict(extra="ignore")

    partNumber: str = Field(min_length=1)
    productId: str | None = None
    name: str | None = None
    description: str | None = None
    nonSerial: bool = False
    state: int = 1
    xmlData: str | None = None
    productCategoryName: str | None = None
    revisions: list[ProductRevision] | None = None
    tags: list[Setting] | None = None

    def draft(self) -> ProductDraft:
        return ProductDraft(
            part_number=self.partNumber,
            name=self.name,
            description=self.description,
            non_serial=self.nonSerial,
            state=self.state,
            xml_data=self.xmlData,
            product_category_name=self.productCategoryName,
            revisions=[revision.draft() for revision in self.revisions or ()],
            tags=_tags(self.tags),
        )


class ProductGroup(BaseModel):
    model_config = ConfigDict(extra="ignore")

    productGroupName: str = Field(min_length=1)
    productGroupId: int | None = None
    partNumbers: list[str] | None = None

    def draft(self) -> GroupDraft:
        return GroupDraft(self.productGroupName, self.productGroupId, self.partNumbers)


class BomItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    partNumber: str = Field(min_length=1)
    componentRef: str | None = None
    revision: str | None = None
    description: str | None = None
    quantity: int = Field(default=1, ge=0)
    manufacturer: str | None = None
    manufacturerPn: str | None = None
    vendor: str | None = None
    vendorPn: str | None = None

    def line(self) -> BomLine:
        return BomLine(
            part_number=self.partNumber,
            revision=self.revision,
            quantity=self.quantity,
            description=self.description,
            component_ref=self.componentRef,
            manufacturer=self.manufacturer,
            manufacturer_pn=self.manufacturerPn,
            vendor=self.vendor,
            vendor_pn=self.vendorPn,
        )


class RevisionRelation(BaseModel):
    """Box build: child revision `ProductRevisionId` goes into `ParentProductRevisionId`."""

    model_config = ConfigDict(extra="ignore")

    ProductRevisionRelationId: str | None = None
    ParentProductRevisionId: str | None = None
    ProductRevisionId: str | None = None
    ParentPartNumber: str | None = None
    ParentRevision: str | None = None
    ChildPartNumber: str | None = None
    ChildRevision: str | None = None
    Quantity: int = Field(default=1, ge=1)
    ItemNumber: str | None = None
    RevisionMask: str | None = None

    def draft(self) -> RelationDraft:
        return RelationDraft(
            product_revision_relation_id=self.ProductRevisionRelationId,
            parent_product_revision_id=self.ParentProductRevisionId,
            product_revision_id=self.ProductRevisionId,
            parent_part_number=self.ParentPartNumber,
            parent_revision=self.ParentRevision,
            child_part_number=self.ChildPartNumber,
            child_revision=self.ChildRevision,
            quantity=self.Quantity,
            item_number=self.ItemNumber,
            revision_mask=self.RevisionMask,
        )


class Category(BaseModel):
    model_config = ConfigDict(extra="ignore")

    categoryId: str | None = None
    name: str = Field(min_length=1)
    description: str | None = None

    def entry(self) -> CatalogEntry:
        return CatalogEntry(self.name, self.description, self.categoryId)


class Vendor(BaseModel):
    model_config = ConfigDict(extra="ignore")

    vendorId: str | None = None
    name: str = Field(min_length=1)
    description: str | None = None

    def entry(self) -> CatalogEntry:
        return CatalogEntry(self.name, self.description, self.vendorId)


def _tags(tags: list[Setting] | None) -> list[TagChange]:
    return [tag.tag_change() for tag in tags or ()]


@router.get("/api/Product/Query", response_model=list[ProductRow])
def query_products(
    ctx: Context, filter: Filter = None, orderby: OrderBy = None, top: Top = None, skip: Skip = None
) -> list[ListedProduct]:
    """Product list rows `{partNumber, name, category, nonSerial, state}` matching the OData
    options (fields: those of the row), by part number unless `$orderby` says otherwise."""
    return ctx.products.query((filter, orderby, top, skip))


@router.get("/api/Product/Groups", response_model=list[GroupAnswer])
def product_groups(ctx: Context) -> list[StoredGroup]:
    return ctx.products.groups()


@router.put("/api/Product/Group", response_model=GroupAnswer)
def save_group(ctx: Context, group: ProductGroup) -> StoredGroup:
    return ctx.products.save_group(group.draft())


@router.get("/api/Product/Vendors", response_model=list[VendorAnswer])
def vendors(ctx: Context) -> list[StoredVendor]:
    return ctx.catalog.vendors()


@router.put("/api/Product/Vendors", response_model=VendorAnswer)
def save_vendor(ctx: Context, vendor: Vendor) -> StoredVendor:
    """Create a vendor (or update the one named), or update vendor `vendorId`."""
    return ctx.catalog.save_vendor(vendor.entry())


@router.delete("/api/Product/Vendors/{vendorId}")
def delete_vendor(ctx: Context, vendorId: str) -> None:
    ctx.catalog.delete_vendor(vendorId)


@router.put("/api/Product/Products", response_model=list[ProductAnswer])
def save_products(ctx: Context, body: list[Product]) -> list[StoredProduct]:
    return ctx.products.save_many([product.draft() for product in body])


@router.put("/api/Product/Revision", response_model=RevisionAnswer)
def save_revision(ctx: Context, revision: ProductRevision) -> Revision:
    return ctx.products.save_revisions([revision.draft()])[0]


@router.put("/api/Product/Revisions", response_model=list[RevisionAnswer])
def save_revisions(ctx: Context, body: list[ProductRevision]) -> list[Revision]:
    return ctx.products.save_revisions([revision.draft() for revision in body])


@router.put("/api/Product/BOM", openapi_extra=_XML_BODY)
async def upload_wsbf(ctx: Context, request: Request) -> None:
    """Replace a revision's BOM with the components of a WSBF document."""
    part_number, revision, items = parse_wsbf(await request.body())
    await run_in_threadpool(ctx.structure.replace_bom, part_number, revision, items)


#: WATS routes under /api/Product/ that clients call and this server does not serve yet; their
#: names are route names, never part numbers.
_UNSERVED = frozenset({"ProductGroupFilter"})


@router.get("/api/Product/{partNumber}", response_model=ProductAnswer)
def get_product(ctx: Context, partNumber: str) -> StoredProduct:
    """A product with its revisions and tags. Route names win over part numbers, as in WATS:
    `GET /api/Product/BOM` is a 405 (BOM takes PUT), an unserved route name a 404 saying so."""
    served = _literal_methods().get(partNumber.lower())
    if served is not None:
        raise ApiError(
            405, f"GET is not served on /api/Product/{partNumber}: it takes {', '.join(served)}"
        )
    if partNumber.lower() in {name.lower() for name in _UNSERVED}:
        raise ApiError(404, f"/api/Product/{partNumber} is a WATS route this server does not serve")
    return ctx.products.get(partNumber)


@cache
def _literal_methods() -> dict[str, list[str]]:
    """Methods of the literal routes `/api/Product/<name>`, by lower-case name."""
    methods: dict[str, list[str]] = {}
    for route in router.routes:
        path = getattr(route, "path", "")
        name = path.removeprefix("/api/Product/")
        if path.startswith("/api/Product/") and "/" not in name and "{" not in name:
            methods.setdefault(name.lower(), []).extend(sorted(getattr(route, "methods", ())))
    return methods


@router.put("/api/Product", response_model=ProductAnswer)
def save_product(ctx: Context, product: Product) -> StoredProduct:
    """Create or update a product by part number."""
    return ctx.products.save(product.draft())


@router.get("/api/Product", response_model=RevisionAnswer)
def get_revision(ctx: Context, partNumber: str, revision: str) -> Revision:
    return ctx.products.get_revision(partNumber, revision)


@router.get("/api/internal/Product/BOM", response_model=list[BomItemAnswer])
def get_bom(ctx: Context, partNumber: str, revision: str) -> list[StoredBomItem]:
    return ctx.structure.bom(partNumber, revision)


@router.put("/api/internal/Product/BOM")
def put_bom(
    ctx: Context, partNumber: str, revision: str, body: list[BomItem], format: str = "json"
) -> None:
    """Replace a revision's BOM with JSON items (`format` must be `json`)."""
    if format.lower() != "json":
        raise ApiError(
            400, f"format: expected 'json' (send WSBF XML to /api/Product/BOM), got {format!r}"
        )
    ctx.structure.replace_bom(partNumber, revision, [item.line() for item in body])


@router.get(
    "/api/internal/Product/GetProductInfo", response_model=list[HierarchyRoot | HierarchyRow]
)
def product_info(ctx: Context, partNumber: str, revision: str) -> list[StoredRoot | StoredRow]:
    """The box-build hierarchy: the revision (`hlevel` 0), then each relation below it."""
    return ctx.structure.product_info(partNumber, revision)


@router.get("/api/internal/Product/GetProductByPN", response_model=ProductWithRelations)
def product_by_pn(ctx: Context, PN: str) -> StoredProduct:
    return ctx.structure.product_with_relations(PN)


@router.post("/api/internal/Product/PostProductRevisionRelation", response_model=RelationAnswer)
def add_relation(ctx: Context, relation: RevisionRelation) -> StoredRelation:
    return ctx.structure.add_relation(relation.draft())


@router.put("/api/internal/Product/PutProductRevisionRelation", response_model=RelationAnswer)
def update_relation(ctx: Context, relation: RevisionRelation) -> StoredRelation:
    return ctx.structure.update_relation(relation.draft())


@router.delete("/api/internal/Product/DeleteProductRevisionRelation")
def delete_relation(ctx: Context, productRevisionRelationId: str) -> None:
    ctx.structure.delete_relation(productRevisionRelationId)


@router.get("/api/internal/Product/GetGroupsForProduct", response_model=list[GroupAnswer])
def groups_for_product(ctx: Context, partNumber: str) -> list[StoredGroup]:
    return ctx.products.groups(partNumber)


@router.get("/api/internal/Product/GetProductCategories", response_model=list[CategoryAnswer])
def product_categories(ctx: Context) -> list[StoredCategory]:
    return ctx.catalog.categories()


@router.put("/api/internal/Product/PutProductCategories", response_model=list[CategoryAnswer])
def put_product_categories(ctx: Context, body: list[Category]) -> list[StoredCategory]:
    """Create or update categories (all or none); the saved ones are returned."""
    return ctx.catalog.save_categories([category.entry() for category in body])


@router.get("/api/internal/Product/GetProductTags", response_model=list[TagAnswer])
def product_tags(ctx: Context, partNumber: str) -> list[Tag]:
    return ctx.products.tags(partNumber)


@router.put("/api/internal/Product/PutProductTags")
def put_product_tags(ctx: Context, partNumber: str, body: list[Setting]) -> None:
    ctx.products.replace_tags(partNumber, _tags(body))


@router.get("/api/internal/Product/GetRevisionTags", response_model=list[TagAnswer])
def revision_tags(ctx: Context, partNumber: str, revision: str) -> list[Tag]:
    return ctx.products.tags(partNumber, revision)


@router.put("/api/internal/Product/PutRevisionTags")
def put_revision_tags(ctx: Context, partNumber: str, revision: str, body: list[Setting]) -> None:
    ctx.products.replace_tags(partNumber, _tags(body), revision)
