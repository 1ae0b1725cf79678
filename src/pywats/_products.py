"""`client.products`: products, revisions, groups, tags, BOMs, box build (revision relations),
categories and vendors.

Saving is create-or-update by part number (and revision). A box-build relation says a parent
revision is built from `quantity` units of a child product whose revision matches
`revision_mask` (WATS wildcards `%`, `_`, `;`) or, without a mask, equals the child revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from xml.etree import ElementTree

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats._processes import ProductGroup
from pywats._service import Call, M, Service, endpoint
from pywats._wire import Tag, WireModel, dump, segment

__all__ = [
    "BomItem",
    "BoxBuildRow",
    "Product",
    "ProductCategory",
    "ProductDeletion",
    "ProductRevision",
    "ProductSummary",
    "ProductsService",
    "RevisionRelation",
    "Vendor",
]

_WSBF = "http://wats.virinco.com/schemas/WATS/wsbf"


class ProductRevision(WireModel):
    """A revision of a product; give `part_number` (or `product_id`) when saving one."""

    revision: str
    part_number: str | None = None
    product_id: str | None = None
    product_revision_id: str | None = None
    name: str | None = None
    description: str | None = None
    state: int = 1
    xml_data: str | None = None
    tags: list[Tag] = Field(default_factory=list)


class Product(WireModel):
    """A product; `state` 1 active, 0 inactive. `revisions` are saved along with it."""

    part_number: str
    name: str | None = None
    description: str | None = None
    non_serial: bool = False
    state: int = 1
    product_id: str | None = None
    xml_data: str | None = None
    product_category_name: str | None = None
    revisions: list[ProductRevision] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)


class ProductSummary(WireModel):
    """One row of the product list (`category` is the category name)."""

    part_number: str
    name: str | None = None
    category: str | None = None
    non_serial: bool = False
    state: int = 1


class ProductCategory(WireModel):
    """A product category; products name it in `product_category_name`."""

    name: str
    description: str | None = None
    category_id: str | None = None


class Vendor(WireModel):
    """A vendor; saving without `vendor_id` creates it or updates the one with that name."""

    name: str
    description: str | None = None
    vendor_id: str | None = None


class BomItem(WireModel):
    """One BOM line: a component part number, its quantity and reference designators."""

    part_number: str
    quantity: int = 1
    revision: str | None = None
    description: str | None = None
    component_ref: str | None = None
    manufacturer: str | None = None
    manufacturer_pn: str | None = None
    vendor: str | None = None
    vendor_pn: str | None = None
    bom_item_id: str | None = None
    product_revision_id: str | None = None


class RevisionRelation(WireModel):
    """Box build: `quantity` child units go into the parent revision (PascalCase on the wire).

    `level` is unused here: `ProductsService.box_build` answers `BoxBuildRow`s.
    """

    model_config = ConfigDict(alias_generator=to_pascal)

    product_revision_relation_id: str
    parent_product_revision_id: str
    product_revision_id: str
    quantity: int = 1
    child_part_number: str | None = None
    child_revision: str | None = None
    revision_mask: str | None = None
    item_number: str | None = None
    level: int | None = None


class BoxBuildRow(WireModel):
    """One row of a box-build hierarchy as WATS sends it: `level` 0 is the revision asked for
    (no relation), each deeper row a relation to the child `part_number`/`revision`."""

    level: int = Field(alias="hlevel")
    part_number: str = Field(alias="PartNumber")
    revision: str = Field(alias="Revision")
    product_revision_id: str = Field(alias="ProductRevisionId")
    product_revision_relation_id: str | None = Field(None, alias="ProductRevisionRelationId")
    parent_product_revision_id: str | None = Field(None, alias="ParentProductRevisionId")
    quantity: int = Field(1, alias="Quantity")
    revision_mask: str | None = Field(None, alias="RevisionMask")
    item_number: str | None = Field(None, alias="ItemNumber")


def write_wsbf(
    part_number: str, revision: str, items: Sequence[BomItem], description: str | None = None
) -> bytes:
    """A WSBF BOM document (§8.3 of the REST spec) for one product revision."""
    root = ElementTree.Element("BOM", {"xmlns": _WSBF, "Partnumber": part_number})
    root.set("Revision", revision)
    if description is not None:
        root.set("Desc", description)
    for item in items:
        attributes = {"Number": item.part_number, "Qty": str(item.quantity)}
        optional = {"Rev": item.revision, "Desc": item.description, "Ref": item.component_ref}
        attributes.update({k: v for k, v in optional.items() if v is not None})
        ElementTree.SubElement(root, "Component", attributes)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


class ProductDeletion(WireModel):
    """What deleting a product (revision) did: `deleted`, or kept it inactive (state 0) because
    the units in `serial_numbers` refer to it."""

    deleted: bool
    serial_numbers: list[str] = Field(default_factory=list)


def _deletion(body: Any) -> Any:
    """204 (no body): deleted; 200 `{serialNumbers}`: made inactive."""
    if body is None:
        return {"deleted": True}
    return {"deleted": False, "serial_numbers": body.get("serialNumbers", [])}


DeletionAnswer = Annotated[ProductDeletion, BeforeValidator(_deletion)]


def _only(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


# `GET /api/Product/ProductGroup?id=` answers a list of the one group.
OneGroup = Annotated[ProductGroup, BeforeValidator(_only)]


def _group_body(name: str, part_numbers: Sequence[str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name}
    if part_numbers is not None:
        body["partNumbers"] = list(part_numbers)
    return body


class ProductsService(Service[M]):
    """Products and their structure. Unknown part numbers or revisions raise NotFoundError."""

    @endpoint
    def query(self) -> Call[list[ProductSummary]]:
        """Every product, by part number."""
        return Call("GET", "/api/Product/Query", returns=list[ProductSummary])

    @endpoint
    def get(self, part_number: str) -> Call[Product]:
        """One product with its revisions and tags."""
        return Call("GET", f"/api/Product/{segment(part_number)}", returns=Product)

    @endpoint
    def save(self, product: Product) -> Call[Product]:
        """Create or update a product (and the revisions it carries); returns the stored one."""
        return Call("PUT", "/api/Product", json=dump(product), returns=Product)

    @endpoint
    def save_many(self, products: Sequence[Product]) -> Call[list[Product]]:
        """Save several products at once: all are stored or none (BadRequestError)."""
        body = [dump(p) for p in products]
        return Call("PUT", "/api/Product/Products", json=body, returns=list[Product])

    @endpoint
    def get_revision(self, part_number: str, revision: str) -> Call[ProductRevision]:
        params = {"partNumber": part_number, "revision": revision}
        return Call("GET", "/api/Product", params=params, returns=ProductRevision)

    @endpoint
    def save_revision(self, revision: ProductRevision) -> Call[ProductRevision]:
        """Create or update a revision of an existing product."""
        return Call("PUT", "/api/Product/Revision", json=dump(revision), returns=ProductRevision)

    @endpoint
    def groups(self) -> Call[list[ProductGroup]]:
        """Every product group (extra field `partNumbers` lists the members)."""
        return Call("GET", "/api/Product/Groups", returns=list[ProductGroup])

    @endpoint
    def groups_of(self, part_number: str) -> Call[list[ProductGroup]]:
        """The product groups `part_number` belongs to."""
        params = {"partNumber": part_number}
        path = "/api/internal/Product/GetGroupsForProduct"
        return Call("GET", path, params=params, returns=list[ProductGroup])

    @endpoint
    def save_group(
        self, name: str, *, part_numbers: Sequence[str] | None = None, group_id: int | None = None
    ) -> Call[ProductGroup]:
        """Create a group by name (or rename group `group_id`); `part_numbers` sets members."""
        body: dict[str, object] = {"productGroupName": name}
        if group_id is not None:
            body["productGroupId"] = group_id
        if part_numbers is not None:
            body["partNumbers"] = list(part_numbers)
        return Call("PUT", "/api/Product/Group", json=body, returns=ProductGroup)

    @endpoint
    def categories(self) -> Call[list[ProductCategory]]:
        """Every product category, by name."""
        path = "/api/internal/Product/GetProductCategories"
        return Call("GET", path, returns=list[ProductCategory])

    @endpoint
    def save_categories(self, categories: Sequence[ProductCategory]) -> Call[list[ProductCategory]]:
        """Create categories, or update them by `category_id` (a rename carries over to the
        products in it); all or none. ConflictError when a name is taken."""
        body = [dump(category) for category in categories]
        path = "/api/internal/Product/PutProductCategories"
        return Call("PUT", path, json=body, returns=list[ProductCategory])

    @endpoint
    def vendors(self) -> Call[list[Vendor]]:
        """Every vendor, by name."""
        return Call("GET", "/api/Product/Vendors", returns=list[Vendor])

    @endpoint
    def save_vendor(self, vendor: Vendor) -> Call[Vendor]:
        """Create or update a vendor; returns it with its `vendor_id`."""
        return Call("PUT", "/api/Product/Vendors", json=dump(vendor), returns=Vendor)

    @endpoint
    def delete_vendor(self, vendor_id: str) -> Call[None]:
        """Remove a vendor; NotFoundError for an unknown id."""
        return Call("DELETE", f"/api/Product/Vendors/{segment(vendor_id)}")

    @endpoint
    def upload_bom(
        self,
        part_number: str,
        revision: str,
        items: Sequence[BomItem],
        *,
        description: str | None = None,
    ) -> Call[None]:
        """Replace the revision's BOM, sent as a WSBF document."""
        return Call(
            "PUT",
            "/api/Product/BOM",
            content=write_wsbf(part_number, revision, items, description),
            headers={"Content-Type": "application/xml"},
        )

    @endpoint
    def bom(self, part_number: str, revision: str) -> Call[list[BomItem]]:
        """The revision's BOM lines in their stored order."""
        params = {"partNumber": part_number, "revision": revision}
        return Call("GET", "/api/internal/Product/BOM", params=params, returns=list[BomItem])

    @endpoint
    def update_bom(self, part_number: str, revision: str, items: Sequence[BomItem]) -> Call[None]:
        """Replace the revision's BOM with `items` as JSON (an empty list clears it)."""
        params = {"partNumber": part_number, "revision": revision, "format": "json"}
        body = [dump(item) for item in items]
        return Call("PUT", "/api/internal/Product/BOM", params=params, json=body)

    @endpoint
    def add_relation(
        self,
        parent: tuple[str, str],
        child: tuple[str, str],
        *,
        quantity: int = 1,
        revision_mask: str | None = None,
        item_number: str | None = None,
    ) -> Call[RevisionRelation]:
        """Declare that revision `parent` = (part number, revision) is built from `quantity`
        units of `child`; ConflictError if the parent already relates to that child product."""
        body = {
            "ParentPartNumber": parent[0],
            "ParentRevision": parent[1],
            "ChildPartNumber": child[0],
            "ChildRevision": child[1],
            "Quantity": quantity,
            "RevisionMask": revision_mask,
            "ItemNumber": item_number,
        }
        path = "/api/internal/Product/PostProductRevisionRelation"
        return Call("POST", path, json=body, returns=RevisionRelation)

    @endpoint
    def update_relation(self, relation: RevisionRelation) -> Call[RevisionRelation]:
        """Store a relation's changed quantity, item number or revision mask."""
        path = "/api/internal/Product/PutProductRevisionRelation"
        return Call("PUT", path, json=dump(relation), returns=RevisionRelation)

    @endpoint
    def delete_relation(self, relation_id: str) -> Call[None]:
        params = {"productRevisionRelationId": relation_id}
        return Call("DELETE", "/api/internal/Product/DeleteProductRevisionRelation", params=params)

    @endpoint
    def box_build(self, part_number: str, revision: str) -> Call[list[BoxBuildRow]]:
        """The revision (level 0), then every relation below it depth first with its level."""
        params = {"partNumber": part_number, "revision": revision}
        path = "/api/internal/Product/GetProductInfo"
        return Call("GET", path, params=params, returns=list[BoxBuildRow])

    @endpoint
    def tags(self, part_number: str, revision: str | None = None) -> Call[list[Tag]]:
        """The tags of a product, or of one of its revisions."""
        if revision is None:
            path, params = "GetProductTags", {"partNumber": part_number}
        else:
            path, params = "GetRevisionTags", {"partNumber": part_number, "revision": revision}
        return Call("GET", f"/api/internal/Product/{path}", params=params, returns=list[Tag])

    @endpoint
    def set_tags(
        self, part_number: str, tags: Sequence[Tag], revision: str | None = None
    ) -> Call[None]:
        """Make `tags` the complete tag set of a product (or of one revision)."""
        body = [dump(tag) for tag in tags]
        if revision is None:
            path, params = "PutProductTags", {"partNumber": part_number}
        else:
            path, params = "PutRevisionTags", {"partNumber": part_number, "revision": revision}
        return Call("PUT", f"/api/internal/Product/{path}", params=params, json=body)

    @endpoint
    def save_revisions(self, revisions: Sequence[ProductRevision]) -> Call[list[ProductRevision]]:
        """Create or update several revisions (all or none)."""
        body = [dump(revision) for revision in revisions]
        return Call("PUT", "/api/Product/Revisions", json=body, returns=list[ProductRevision])

    @endpoint
    def get_with_relations(self, part_number: str) -> Call[Product]:
        """The product, each revision carrying its box-build relations (as extra field
        `ProductRevisionRelations`)."""
        params = {"PN": part_number}
        path = "/api/internal/Product/GetProductByPN"
        return Call("GET", path, params=params, returns=Product)

    @endpoint
    def get_group(self, group_id: int) -> Call[ProductGroup]:
        """One product group with its member part numbers; NotFoundError when unknown."""
        params = {"id": group_id}
        return Call("GET", "/api/Product/ProductGroup", params=params, returns=OneGroup)

    @endpoint
    def create_group(
        self, name: str, part_numbers: Sequence[str] | None = None
    ) -> Call[ProductGroup]:
        """Create a product group (administrator); ConflictError when the name is taken."""
        body = _group_body(name, part_numbers)
        return Call("POST", "/api/Product/ProductGroup", json=body, returns=ProductGroup)

    @endpoint
    def update_group(
        self, group_id: int, name: str, part_numbers: Sequence[str] | None = None
    ) -> Call[ProductGroup]:
        """Rename a product group; `part_numbers`, when given, replaces its members."""
        body = {"productGroupId": group_id, **_group_body(name, part_numbers)}
        return Call("PUT", "/api/Product/ProductGroup", json=body, returns=ProductGroup)

    @endpoint
    def delete_group(self, group_id: int) -> Call[None]:
        return Call("DELETE", f"/api/Product/ProductGroup/{group_id}")

    @endpoint
    def list_groups_by_product(
        self, part_number: str, revision: str | None = None
    ) -> Call[list[ProductGroup]]:
        """The groups a product belongs to (NotFoundError for an unknown revision)."""
        params = {"partNumber": part_number, "revision": revision}
        path = "/api/Product/ProductGroupsByProduct"
        return Call("GET", path, params=params, returns=list[ProductGroup])

    @endpoint
    def delete(self, part_number: str) -> Call[ProductDeletion]:
        """Delete a product with its revisions, BOMs, box build and tags; when units refer to
        it, it is made inactive instead. ConflictError when another box build lists it."""
        return Call("DELETE", f"/api/Product/{segment(part_number)}", returns=DeletionAnswer)

    @endpoint
    def delete_revision(self, part_number: str, revision: str) -> Call[ProductDeletion]:
        """Delete one revision (or make it inactive when units of it exist)."""
        path = f"/api/Product/{segment(part_number)}/{segment(revision)}"
        return Call("DELETE", path, returns=DeletionAnswer)
