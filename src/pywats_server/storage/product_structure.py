"""What a product revision is made of: its BOM (components) and its box build (child revisions
with quantities, `ProductRevisionRelation`).

A box-build relation names a child product and the child revisions it accepts: `RevisionMask`
in WATS wildcards (`%`, `_`, `;`), or exactly the related child revision when no mask is set.
A product may not (indirectly) contain itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import Column, Connection, ForeignKey, Integer, String, Table, Text, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id, wildcard_match
from ._metadata import metadata
from .products import ProductStore, product_revisions, products

__all__ = ["ProductStructureStore", "bom_items", "parse_wsbf", "revision_relations"]

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
_BOM_FIELDS = {
    "componentRef": "component_ref",
    "partNumber": "part_number",
    "revision": "component_revision",
    "description": "description",
    "quantity": "quantity",
    "manufacturer": "manufacturer",
    "manufacturerPn": "manufacturer_pn",
    "vendor": "vendor",
    "vendorPn": "vendor_pn",
}


def parse_wsbf(xml: bytes) -> tuple[str, str, list[dict[str, Any]]]:
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
            {
                "partNumber": element.get("Number"),
                "revision": element.get("Rev"),
                "quantity": int(quantity),
                "description": element.get("Desc"),
                "componentRef": element.get("Ref"),
            }
        )
    return part_number, revision, items


def _bom_item(row: Any) -> dict[str, Any]:
    item = {"bomItemId": row.bom_item_id, "productRevisionId": row.revision_id}
    item.update({key: getattr(row, column) for key, column in _BOM_FIELDS.items()})
    return item


class ProductStructureStore:
    """BOMs and box-build relations of product revisions."""

    def __init__(self, database: Database, products: ProductStore) -> None:
        self._engine = database.engine
        self._products = products

    def bom(self, part_number: str, revision: str) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            revision_id = self._products.revision_id(connection, part_number, revision)
            rows = connection.execute(
                select(bom_items)
                .where(bom_items.c.revision_id == revision_id)
                .order_by(bom_items.c.position)
            )
            return [_bom_item(row) for row in rows]

    def replace_bom(
        self, part_number: str, revision: str, items: Sequence[Mapping[str, Any]]
    ) -> None:
        """Make `items` the BOM of the revision (an empty list clears it)."""
        with self._engine.begin() as connection:
            revision_id = self._products.revision_id(connection, part_number, revision)
            connection.execute(bom_items.delete().where(bom_items.c.revision_id == revision_id))
            for position, item in enumerate(items):
                if not isinstance(item.get("partNumber"), str) or not item["partNumber"]:
                    raise Invalid(f"BOM[{position}].partNumber: expected a non-empty string")
                quantity = item.get("quantity", 1)
                if not isinstance(quantity, int) or quantity < 0:
                    raise Invalid(f"BOM[{position}].quantity: expected a whole number >= 0")
                values = {column: item.get(key) for key, column in _BOM_FIELDS.items()}
                values["quantity"] = quantity
                connection.execute(
                    bom_items.insert().values(
                        bom_item_id=new_id(), revision_id=revision_id, position=position, **values
                    )
                )

    # -- box build ----------------------------------------------------------------------------

    def add_relation(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Relate a child revision to a parent revision, by ids or by part number + revision."""
        with self._engine.begin() as connection:
            parent = self._revision_ref(connection, body, "ParentProductRevisionId", "Parent")
            child = self._revision_ref(connection, body, "ProductRevisionId", "Child")
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
                    **self._relation_values(body),
                )
            )
            return self._relation(connection, relation_id)

    def update_relation(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Change quantity, item number or revision mask of an existing relation."""
        relation_id = body.get("ProductRevisionRelationId")
        with self._engine.begin() as connection:
            updated = connection.execute(
                revision_relations.update()
                .where(revision_relations.c.relation_id == str(relation_id))
                .values(**self._relation_values(body))
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

    def relations(self, connection: Connection, parent_revision_id: str) -> list[dict[str, Any]]:
        """The box-build relations of one parent revision."""
        ids = connection.scalars(
            select(revision_relations.c.relation_id)
            .where(revision_relations.c.parent_revision_id == parent_revision_id)
            .order_by(revision_relations.c.item_number, revision_relations.c.relation_id)
        ).all()
        return [self._relation(connection, relation_id) for relation_id in ids]

    def product_info(self, part_number: str, revision: str) -> list[dict[str, Any]]:
        """The box-build hierarchy as WATS sends it: the revision itself (`hlevel` 0), then each
        relation below it depth first with its `hlevel` and the child's `PartNumber`/`Revision`."""
        with self._engine.connect() as connection:
            root = self._products.revision_id(connection, part_number, revision)
            rows: list[dict[str, Any]] = [
                {
                    "hlevel": 0,
                    "PartNumber": part_number,
                    "Revision": revision,
                    "ProductRevisionId": root,
                    "ProductRevisionRelationId": None,
                    "ParentProductRevisionId": None,
                }
            ]

            def walk(revision_id: str, level: int) -> None:
                for relation in self.relations(connection, revision_id):
                    part, child_revision = relation["ChildPartNumber"], relation["ChildRevision"]
                    rows.append(
                        {
                            "hlevel": level,
                            "PartNumber": part,
                            "Revision": child_revision,
                            **relation,
                        }
                    )
                    walk(relation["ProductRevisionId"], level + 1)

            walk(root, 1)
        return rows

    def product_with_relations(self, part_number: str) -> dict[str, Any]:
        """The product, each revision carrying its `ProductRevisionRelations`."""
        product = self._products.get(part_number)
        with self._engine.connect() as connection:
            for revision in product["revisions"]:
                revision["ProductRevisionRelations"] = self.relations(
                    connection, revision["productRevisionId"]
                )
        return product

    def accepts(self, relation: Mapping[str, Any], child_revision: str | None) -> bool:
        """Whether a child unit of `child_revision` satisfies the relation's revision rule."""
        mask = relation.get("RevisionMask")
        if mask:
            return wildcard_match(str(mask), child_revision or "")
        return bool(child_revision == relation["ChildRevision"])

    def _relation_values(self, body: Mapping[str, Any]) -> dict[str, Any]:
        quantity = body.get("Quantity", 1)
        if not isinstance(quantity, int) or quantity < 1:
            raise Invalid(f"Quantity: expected a whole number >= 1, got {quantity!r}")
        return {
            "quantity": quantity,
            "item_number": body.get("ItemNumber"),
            "revision_mask": body.get("RevisionMask") or None,
        }

    def _revision_ref(
        self, connection: Connection, body: Mapping[str, Any], id_key: str, prefix: str
    ) -> str:
        if body.get(id_key):
            revision_id = str(body[id_key])
            found = connection.scalar(
                select(product_revisions.c.revision_id).where(
                    product_revisions.c.revision_id == revision_id
                )
            )
            if found is None:
                raise NotFound(f"{id_key}: product revision {revision_id!r} not found")
            return revision_id
        part_number, revision = body.get(f"{prefix}PartNumber"), body.get(f"{prefix}Revision")
        if not part_number or not revision:
            raise Invalid(
                f"{id_key}: expected a revision id or {prefix}PartNumber and {prefix}Revision"
            )
        return self._products.revision_id(connection, str(part_number), str(revision))

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

    def _relation(self, connection: Connection, relation_id: str) -> dict[str, Any]:
        child = product_revisions.alias()
        r = revision_relations.c
        row = connection.execute(
            select(revision_relations, child.c.revision, products.c.part_number)
            .join(child, child.c.revision_id == r.child_revision_id)
            .join(products, products.c.product_id == child.c.product_id)
            .where(r.relation_id == relation_id)
        ).one()
        return {
            "ProductRevisionRelationId": row.relation_id,
            "ParentProductRevisionId": row.parent_revision_id,
            "ProductRevisionId": row.child_revision_id,
            "Quantity": row.quantity,
            "ItemNumber": row.item_number,
            "ChildPartNumber": row.part_number,
            "ChildRevision": row.revision,
            "RevisionMask": row.revision_mask,
        }
