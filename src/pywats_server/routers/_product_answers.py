"""Response models of `/api/Product` (products, revisions, groups, catalog, box build)."""

from __future__ import annotations

from ._answer import Answer

__all__ = [
    "BomItemAnswer",
    "CategoryAnswer",
    "GroupAnswer",
    "HierarchyRoot",
    "HierarchyRow",
    "ProductAnswer",
    "ProductRow",
    "ProductWithRelations",
    "RelationAnswer",
    "RevisionAnswer",
    "RevisionWithRelations",
    "TagAnswer",
    "VendorAnswer",
]


class TagAnswer(Answer):
    key: str
    value: str | None


class RevisionAnswer(Answer):
    productRevisionId: str
    productId: str
    partNumber: str
    revision: str
    name: str | None
    description: str | None
    state: int
    xmlData: str | None
    tags: list[TagAnswer]


class ProductAnswer(Answer):
    productId: str
    partNumber: str
    name: str | None
    description: str | None
    nonSerial: bool
    state: int
    xmlData: str | None
    productCategoryName: str | None
    revisions: list[RevisionAnswer]
    tags: list[TagAnswer]


class ProductRow(Answer):
    """A row of the product list."""

    partNumber: str
    name: str | None
    category: str | None
    nonSerial: bool
    state: int


class GroupAnswer(Answer):
    productGroupId: int
    productGroupName: str
    partNumbers: list[str]


class CategoryAnswer(Answer):
    categoryId: str
    name: str
    description: str | None


class VendorAnswer(Answer):
    vendorId: str
    name: str
    description: str | None


class BomItemAnswer(Answer):
    bomItemId: str
    productRevisionId: str
    componentRef: str | None
    partNumber: str
    revision: str | None
    description: str | None
    quantity: int
    manufacturer: str | None
    manufacturerPn: str | None
    vendor: str | None
    vendorPn: str | None


class RelationAnswer(Answer):
    """A box-build relation: revision `ProductRevisionId` goes into `ParentProductRevisionId`."""

    ProductRevisionRelationId: str
    ParentProductRevisionId: str
    ProductRevisionId: str
    Quantity: int
    ItemNumber: str | None
    ChildPartNumber: str
    ChildRevision: str
    RevisionMask: str | None


class HierarchyRoot(Answer):
    """The first row of a box-build hierarchy: the revision asked for (`hlevel` 0)."""

    hlevel: int
    PartNumber: str
    Revision: str
    ProductRevisionId: str
    ProductRevisionRelationId: None
    ParentProductRevisionId: None


class HierarchyRow(Answer):
    """A relation below the revision asked for, `hlevel` generations down."""

    hlevel: int
    PartNumber: str
    Revision: str
    ProductRevisionRelationId: str
    ParentProductRevisionId: str
    ProductRevisionId: str
    Quantity: int
    ItemNumber: str | None
    ChildPartNumber: str
    ChildRevision: str
    RevisionMask: str | None


class RevisionWithRelations(RevisionAnswer):
    ProductRevisionRelations: list[RelationAnswer]


class ProductWithRelations(ProductAnswer):
    revisions: list[RevisionWithRelations]  # type: ignore[assignment]
