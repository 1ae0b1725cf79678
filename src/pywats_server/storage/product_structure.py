"""What a product revision is made of: its BOM (components) and its box build (child revisions
with quantities, `ProductRevisionRelation`).

A box-build relation names a child product and the child revisions it accepts: `RevisionMask`
in WATS wildcards (`%`, `_`, `;`), or exactly the related child revision when no mask is set.
A product may not (indirectly) contain itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import Column, Connection, ForeignKey, Integer, String, Table, Text, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id, wildcard_match
from ._metadata import metadata
from .products import Product, ProductStore, Revision, product_revisions, products

__all__ = [
    "BomItem",
    "BomLine",
    "HierarchyRoot",
    "HierarchyRow",
    "ProductStructureStore",
    "RelationDraft",
    "RevisionRelation",
    "RevisionWithRelations",
    "bom_items",
    "parse_wsbf",
    "revision_relations",
]

bom_items = Table(
    "bom_items",
    metadata,
    Column("bom_item_id", String(36), primary_key=True),
    Column(
        "revision_id",
        String(36),
        ForeignKey("product_revisions.revision_id"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("component_ref", Text),
    Column("part_number", String(200), nullable=False),
    Column("component_revision", String(200)),
    Column("description", Text),
    Column("quantity", Integer, nullable=False),
    Column("manufacturer", String(200)),
    Column("manufacturer_pn", String(200)),
    Column("vendor", String(200)),
    Column("vendor_pn", String(200)),
)

revision_relations = Table(
    "product_revision_relations",
    metadata,
    Column("relation_id", String(36), primary_key=True),
    Column(
        "parent_revision_id",
        String(36),
        ForeignKey("product_revisions.revision_id"),
        nullable=False,
        index=True,
    ),
    Column(
        "child_revision_id", String(36), ForeignKey("product_revisions.revision_id"), nullable=False
    ),
    Column("quantity", Integer, nullable=False),
    Column("item_number", String(100)),
    Column("revision_mask", String(200)),
)

_WSBF = "{http://wats.virinco.com/schemas/WATS/wsbf}"


@dataclass(frozen=True, slots=True)
class BomLine:
    """A component of a BOM to store (`revision` is the component's)."""

    part_number: str
    revision: str | None = None
    quantity: int = 1
    description: str | None = None
    component_ref: str | None = None
    manufacturer: str | None = None
    manufacturer_pn: str | None = None
    vendor: str | None = None
    vendor_pn: str | None = None


@dataclass(frozen=True, slots=True)
class BomItem:
    """A stored component of a revision's BOM."""

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


@dataclass(frozen=True, slots=True)
class RevisionRelation:
    """Box build: revision `product_revision_id` (of `child_part_number`) goes `quantity`
    times into `parent_product_revision_id`; `revision_mask` (wildcards) widens the child
    revisions a unit may have."""

    product_revision_relation_id: str
    parent_product_revision_id: str
    product_revision_id: str
    quantity: int
    item_number: str | None
    child_part_number: str
    child_revision: str
    revision_mask: str | None


@dataclass(frozen=True, slots=True)
class RelationDraft:
    """A relation to add (parent and child by revision id, or by part number and revision) or
    to update (by `product_revision_relation_id`: quantity, item number and mask)."""

    product_revision_relation_id: str | None = None
    parent_product_revision_id: str | None = None
    product_revision_id: str | None = None
    parent_part_number: str | None = None
    parent_revision: str | None = None
    child_part_number: str | None = None
    child_revision: str | None = None
    quantity: int = 1
    item_number: str | None = None
    revision_mask: str | None = None


@dataclass(frozen=True, slots=True)
class HierarchyRoot:
    """The first row of a box-build hierarchy: the revision asked for (`hlevel` 0)."""

    hlevel: int
    part_number: str
    revision: str
    product_revision_id: str
    product_revision_relation_id: None = None
    parent_product_revision_id: None = None


@dataclass(frozen=True, slots=True)
class HierarchyRow:
    """A relation below the revision asked for, `hlevel` generations down."""

    hlevel: int
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


@dataclass(frozen=True, slots=True)
class RevisionWithRelations(Revision):
    product_revision_relations: list[RevisionRelation]


def parse_wsbf(xml: bytes) -> tuple[str, str, list[BomLine]]:
    """`(part number, revision, BOM items)` of a WSBF document; Invalid naming the problem."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise Invalid(f"WSBF: not well-formed XML ({exc})") from None
    if root.tag not in ("BOM", f"{_WSBF}BOM"):
        raise Invalid(f"WSBF: expected a <BOM> root element, got <{root.tag}>")
    part_number, revision = root.get("Partnumber"), root.get("Revision")
    if not part_number or not revision:
        raise Invalid("WSBF: <BOM> needs the attributes Partnumber and Revision")
    items = []
    for index, element in enumerate(root):
        if element.tag not in ("Component", f"{_WSBF}Component"):
            raise Invalid(f"WSBF: Component[{index}]: unexpected element <{element.tag}>")
        quantity = element.get("Qty", "1")
        if not quantity.isdigit():
            raise Invalid(
                f"WSBF: Component[{index}].Qty: expected a whole number, got {quantity!r}"
            )
        items.append(
            BomLine(
                part_number=element.get("Number") or "",
                revision=element.get("Rev"),
                quantity=int(quantity),
                description=element.get("Desc"),
                component_ref=element.get("Ref"),
            )
        )
    return part_number, revision, items


def _bom_item(row: Any) -> BomItem:
    return BomItem(
        bom_item_id=row.bom_item_id,
        product_revision_id=row.revision_id,
        component_ref=row.component_ref,
        part_number=row.part_number,
        revision=row.component_revision,
        description=row.description,
        quantity=row.quantity,
        manufacturer=row.manufacturer,
        manufacturer_pn=row.manufacturer_pn,
        vendor=row.vendor,
        vendor_pn=row.vendor_pn,
    )


class ProductStructureStore:
    """BOMs and box-build relations of product revisions."""

    def __init__(self, database: Database, products: ProductStore) -> None:
        self._engine = database.engine
        self._products = products

    def bom(self, part_number: str, revision: str) -> list[BomItem]:
        with self._engine.connect() as connection:
            revision_id = self._products.revision_id(connection, part_number, revision)
            rows = connection.execute(
                select(bom_items)
                .where(bom_items.c.revision_id == revision_id)
                .order_by(bom_items.c.position)
            )
            return [_bom_item(row) for row in rows]

    def replace_bom(self, part_number: str, revision: str, items: Sequence[BomLine]) -> None:
        """Make `items` the BOM of the revision (an empty list clears it)."""
        with self._engine.begin() as connection:
            revision_id = self._products.revision_id(connection, part_number, revision)
            connection.execute(bom_items.delete().where(bom_items.c.revision_id == revision_id))
            for position, item in enumerate(items):
                if not item.part_number:
                    raise Invalid(f"BOM[{position}].partNumber: expected a non-empty string")
                if item.quantity < 0:
                    raise Invalid(f"BOM[{position}].quantity: expected a whole number >= 0")
                connection.execute(
                    bom_items.insert().values(
                        bom_item_id=new_id(),
                        revision_id=revision_id,
                        position=position,
                        component_ref=item.component_ref,
                        part_number=item.part_number,
                        component_revision=item.revision,
                        description=item.description,
                        quantity=item.quantity,
                        manufacturer=item.manufacturer,
                        manufacturer_pn=item.manufacturer_pn,
                        vendor=item.vendor,
                        vendor_pn=item.vendor_pn,
                    )
                )

    # -- box build ----------------------------------------------------------------------------

    def add_relation(self, draft: RelationDraft) -> RevisionRelation:
        """Relate a child revision to a parent revision, by ids or by part number + revision."""
        with self._engine.begin() as connection:
            parent = self._revision_ref(
                connection,
                draft.parent_product_revision_id,
                (draft.parent_part_number, draft.parent_revision),
                "ParentProductRevisionId",
                "Parent",
            )
            child = self._revision_ref(
                connection,
                draft.product_revision_id,
                (draft.child_part_number, draft.child_revision),
                "ProductRevisionId",
                "Child",
            )
            parent_product, child_product = (
                self._product_of(connection, parent),
                self._product_of(connection, child),
            )
            if parent_product == child_product:
                raise Invalid("ProductRevisionId: a product cannot be built from itself")
            if parent_product in self._contained_products(connection, child_product):
                raise Invalid("ProductRevisionId: the child product already contains the parent")
            r = revision_relations.c
            existing = connection.execute(
                select(r.relation_id)
                .join(product_revisions, product_revisions.c.revision_id == r.child_revision_id)
                .where(
                    r.parent_revision_id == parent,
                    product_revisions.c.product_id == child_product,
                )
            ).first()
            if existing is not None:
                raise Conflict(
                    f"the parent revision already has a relation to this child product "
                    f"(ProductRevisionRelationId {existing[0]})"
                )
            relation_id = new_id()
            connection.execute(
                revision_relations.insert().values(
                    relation_id=relation_id,
                    parent_revision_id=parent,
                    child_revision_id=child,
                    **self._relation_values(draft),
                )
            )
            return self._relation(connection, relation_id)

    def update_relation(self, draft: RelationDraft) -> RevisionRelation:
        """Change quantity, item number or revision mask of an existing relation."""
        relation_id = draft.product_revision_relation_id
        with self._engine.begin() as connection:
            updated = connection.execute(
                revision_relations.update()
                .where(revision_relations.c.relation_id == str(relation_id))
                .values(**self._relation_values(draft))
            )
            if updated.rowcount == 0:
                raise NotFound(f"ProductRevisionRelationId: relation {relation_id!r} not found")
            return self._relation(connection, str(relation_id))

    def delete_relation(self, relation_id: str) -> None:
        with self._engine.begin() as connection:
            deleted = connection.execute(
                revision_relations.delete().where(revision_relations.c.relation_id == relation_id)
            )
        if deleted.rowcount == 0:
            raise NotFound(f"productRevisionRelationId: relation {relation_id!r} not found")

    def relations(self, connection: Connection, parent_revision_id: str) -> list[RevisionRelation]:
        """The box-build relations of one parent revision."""
        ids = connection.scalars(
            select(revision_relations.c.relation_id)
            .where(revision_relations.c.parent_revision_id == parent_revision_id)
            .order_by(revision_relations.c.item_number, revision_relations.c.relation_id)
        ).all()
        return [self._relation(connection, relation_id) for relation_id in ids]

    def product_info(self, part_number: str, revision: str) -> list[HierarchyRoot | HierarchyRow]:
        """The box-build hierarchy as WATS sends it: the revision itself (`hlevel` 0), then each
        relation below it depth first with its `hlevel` and the child's part number/revision."""
        with self._engine.connect() as connection:
            root = self._products.revision_id(connection, part_number, revision)
            rows: list[HierarchyRoot | HierarchyRow] = [
                HierarchyRoot(0, part_number, revision, root)
            ]

            def walk(revision_id: str, level: int) -> None:
                for relation in self.relations(connection, revision_id):
                    rows.append(
                        HierarchyRow(
                            level,
                            relation.child_part_number,
                            relation.child_revision,
                            **dataclasses.asdict(relation),
                        )
                    )
                    walk(relation.product_revision_id, level + 1)

            walk(root, 1)
        return rows

    def product_with_relations(self, part_number: str) -> Product:
        """The product, each revision carrying its box-build relations."""
        product = self._products.get(part_number)
        with self._engine.connect() as connection:
            revisions: list[Revision] = [
                RevisionWithRelations(
                    **{f.name: getattr(revision, f.name) for f in dataclasses.fields(Revision)},
                    product_revision_relations=self.relations(
                        connection, revision.product_revision_id
                    ),
                )
                for revision in product.revisions
            ]
        return dataclasses.replace(product, revisions=revisions)

    def accepts(self, relation: RevisionRelation, child_revision: str | None) -> bool:
        """Whether a child unit of `child_revision` satisfies the relation's revision rule."""
        if relation.revision_mask:
            return wildcard_match(relation.revision_mask, child_revision or "")
        return child_revision == relation.child_revision

    def _relation_values(self, draft: RelationDraft) -> dict[str, Any]:
        if draft.quantity < 1:
            raise Invalid(f"Quantity: expected a whole number >= 1, got {draft.quantity!r}")
        return {
            "quantity": draft.quantity,
            "item_number": draft.item_number,
            "revision_mask": draft.revision_mask or None,
        }

    def _revision_ref(
        self,
        connection: Connection,
        revision_id: str | None,
        named: tuple[str | None, str | None],
        id_key: str,
        prefix: str,
    ) -> str:
        if revision_id:
            found = connection.scalar(
                select(product_revisions.c.revision_id).where(
                    product_revisions.c.revision_id == revision_id
                )
            )
            if found is None:
                raise NotFound(f"{id_key}: product revision {revision_id!r} not found")
            return revision_id
        part_number, revision = named
        if not part_number or not revision:
            raise Invalid(
                f"{id_key}: expected a revision id or {prefix}PartNumber and {prefix}Revision"
            )
        return self._products.revision_id(connection, part_number, revision)

    def _product_of(self, connection: Connection, revision_id: str) -> str:
        return str(
            connection.scalar(
                select(product_revisions.c.product_id).where(
                    product_revisions.c.revision_id == revision_id
                )
            )
        )

    def _contained_products(self, connection: Connection, product_id: str) -> set[str]:
        """Every product reachable below any revision of `product_id` in the box build."""
        seen: set[str] = set()
        frontier = [product_id]
        parent, child = product_revisions.alias(), product_revisions.alias()
        r = revision_relations.c
        while frontier:
            children = connection.scalars(
                select(child.c.product_id)
                .select_from(revision_relations)
                .join(parent, parent.c.revision_id == r.parent_revision_id)
                .join(child, child.c.revision_id == r.child_revision_id)
                .where(parent.c.product_id.in_(frontier))
            ).all()
            frontier = [p for p in children if p not in seen]
            seen.update(frontier)
        return seen

    def _relation(self, connection: Connection, relation_id: str) -> RevisionRelation:
        child = product_revisions.alias()
        r = revision_relations.c
        row = connection.execute(
            select(revision_relations, child.c.revision, products.c.part_number)
            .join(child, child.c.revision_id == r.child_revision_id)
            .join(products, products.c.product_id == child.c.product_id)
            .where(r.relation_id == relation_id)
        ).one()
        return RevisionRelation(
            product_revision_relation_id=row.relation_id,
            parent_product_revision_id=row.parent_revision_id,
            product_revision_id=row.child_revision_id,
            quantity=row.quantity,
            item_number=row.item_number,
            child_part_number=row.part_number,
            child_revision=row.revision,
            revision_mask=row.revision_mask,
        )
