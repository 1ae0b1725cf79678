"""Response models of `/api/Product` (products, revisions, groups, catalog, box build)."""

from __future__ import annotations

from pydantic import AliasGenerator, ConfigDict, Field
from pydantic.alias_generators import to_pascal

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


class _PascalAnswer(Answer):
    """An answer whose wire names are PascalCase (the box-build shapes WATS clients read)."""

    model_config = ConfigDict(alias_generator=AliasGenerator(serialization_alias=to_pascal))


class TagAnswer(Answer):
    key: str
    value: str | None


class RevisionAnswer(Answer):
    product_revision_id: str
    product_id: str
    part_number: str
    revision: str
    name: str | None
    description: str | None
    state: int
    xml_data: str | None
    tags: list[TagAnswer]


class ProductAnswer(Answer):
    product_id: str
    part_number: str
    name: str | None
    description: str | None
    non_serial: bool
    state: int
    xml_data: str | None
    product_category_name: str | None
    revisions: list[RevisionAnswer]
    tags: list[TagAnswer]


class ProductRow(Answer):
    """A row of the product list."""

    part_number: str
    name: str | None
    category: str | None
    non_serial: bool
    state: int


class GroupAnswer(Answer):
    product_group_id: int
    product_group_name: str
    part_numbers: list[str]


class CategoryAnswer(Answer):
    category_id: str
    name: str
    description: str | None


class VendorAnswer(Answer):
    vendor_id: str
    name: str
    description: str | None


class BomItemAnswer(Answer):
    bom_item_id: str
    product_revision_id: str
    component_ref: str | None
    part_number: str
    revision: str | None
    description: str | None
    quantity: int
    manufacturer: str | None
    manufacturer_pn: str | None
    vendor: str | None
    vendor_pn: str | None


class RelationAnswer(_PascalAnswer):
    """A box-build relation: revision `ProductRevisionId` goes into `ParentProductRevisionId`."""

    product_revision_relation_id: str
    parent_product_revision_id: str
    product_revision_id: str
    quantity: int
    item_number: str | None
    child_part_number: str
    child_revision: str
    revision_mask: str | None


class HierarchyRoot(_PascalAnswer):
    """The first row of a box-build hierarchy: the revision asked for (`hlevel` 0)."""

    hlevel: int = Field(serialization_alias="hlevel")
    part_number: str
    revision: str
    product_revision_id: str
    product_revision_relation_id: None
    parent_product_revision_id: None


class HierarchyRow(_PascalAnswer):
    """A relation below the revision asked for, `hlevel` generations down."""

    hlevel: int = Field(serialization_alias="hlevel")
    part_number: str
    revision: str
    product_revision_relation_id: str
    parent_product_revision_id: str
    product_revision_id: str
    quantity: int
    item_number: str | None
    child_part_number: str
    child_revision: str
    revision_mask: str | None


class RevisionWithRelations(RevisionAnswer):
    product_revision_relations: list[RelationAnswer] = Field(
        serialization_alias="ProductRevisionRelations"
    )


class ProductWithRelations(ProductAnswer):
    revisions: list[RevisionWithRelations]  # type: ignore[assignment]
