"""Products, their revisions, tags and product-group membership.

A product is keyed by part number, a revision by (product, revision). Saving is create-or-update;
tags given with `change` 3 are deleted, other given tags are set, unmentioned tags stay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)

from ..odata import FieldSpec
from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id, utcnow
from ._metadata import metadata
from ._odata_options import ODataOptions, apply_odata
from ._tags import Tag, TagChange, apply_tags, read_tags, tag_table
from .reference import product_groups

__all__ = [
    "GroupDraft",
    "Product",
    "ProductDraft",
    "ProductGroup",
    "ProductRow",
    "ProductStore",
    "Revision",
    "RevisionDraft",
    "product_group_members",
    "product_revisions",
    "product_tags",
    "products",
    "revision_tags",
]

products = Table(
    "products",
    metadata,
    Column("product_id", String(36), primary_key=True),
    Column("part_number", String(200), nullable=False, unique=True),
    Column("name", String(200)),
    Column("description", Text),
    Column("non_serial", Boolean, nullable=False),
    Column("state", Integer, nullable=False),
    Column("xml_data", Text),
    Column("category_name", String(200)),
    Column("created_utc", DateTime, nullable=False),
)

#: The fields of a product list row that `$filter` and `$orderby` take.
PRODUCT_FIELDS = {
    "partNumber": FieldSpec(products.c.part_number, "string"),
    "name": FieldSpec(products.c.name, "string"),
    "category": FieldSpec(products.c.category_name, "string"),
    "nonSerial": FieldSpec(products.c.non_serial, "bool"),
    "state": FieldSpec(products.c.state, "int"),
}

product_revisions = Table(
    "product_revisions",
    metadata,
    Column("revision_id", String(36), primary_key=True),
    Column("product_id", String(36), ForeignKey("products.product_id"), nullable=False),
    Column("revision", String(200), nullable=False),
    Column("name", String(200)),
    Column("description", Text),
    Column("state", Integer, nullable=False),
    Column("xml_data", Text),
    UniqueConstraint("product_id", "revision"),
)

product_tags = tag_table("product_tags", "product_id", "products.product_id", String(36))

revision_tags = tag_table(
    "revision_tags", "revision_id", "product_revisions.revision_id", String(36)
)

product_group_members = Table(
    "product_group_members",
    metadata,
    Column(
        "product_group_id",
        Integer,
        ForeignKey("product_groups.product_group_id"),
        primary_key=True,
    ),
    Column("product_id", String(36), ForeignKey("products.product_id"), primary_key=True),
)


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A row of the product list."""

    part_number: str
    name: str | None
    category: str | None
    non_serial: bool
    state: int


@dataclass(frozen=True, slots=True)
class Revision:
    product_revision_id: str
    product_id: str
    part_number: str
    revision: str
    name: str | None
    description: str | None
    state: int
    xml_data: str | None
    tags: list[Tag]


@dataclass(frozen=True, slots=True)
class Product:
    """A product with its revisions (by revision) and tags."""

    product_id: str
    part_number: str
    name: str | None
    description: str | None
    non_serial: bool
    state: int
    xml_data: str | None
    product_category_name: str | None
    revisions: list[Revision]
    tags: list[Tag]


@dataclass(frozen=True, slots=True)
class ProductGroup:
    product_group_id: int
    product_group_name: str
    part_numbers: list[str]


@dataclass(frozen=True, slots=True)
class RevisionDraft:
    """A revision to create or update: of `product_id`, else of `part_number`. Its values
    replace the stored ones; `state` 1 active, 0 inactive."""

    revision: str
    part_number: str | None = None
    product_id: str | None = None
    name: str | None = None
    description: str | None = None
    state: int = 1
    xml_data: str | None = None
    tags: list[TagChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """A product to create or update by part number, with revisions to save along."""

    part_number: str
    name: str | None = None
    description: str | None = None
    non_serial: bool = False
    state: int = 1
    xml_data: str | None = None
    product_category_name: str | None = None
    revisions: list[RevisionDraft] = field(default_factory=list)
    tags: list[TagChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GroupDraft:
    """A group to create by name (or rename by id); `part_numbers`, if given, are its members."""

    product_group_name: str
    product_group_id: int | None = None
    part_numbers: list[str] | None = None


def _state(value: int, where: str) -> int:
    if value not in (0, 1):
        raise Invalid(f"{where}.state: expected 0 (inactive) or 1 (active), got {value!r}")
    return value


def _text(value: str | None, key: str, where: str) -> str:
    if value is None or not value.strip():
        raise Invalid(f"{where}.{key}: expected a non-empty string, got {value!r}")
    return value


class ProductStore:
    """Products, revisions, tags and groups."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    # -- products -----------------------------------------------------------------------------

    def query(self, options: ODataOptions) -> list[ProductRow]:
        """Product list rows matching the OData options, by part number unless `$orderby` says
        otherwise; Invalid for bad OData."""
        c = products.c
        query = select(c.part_number, c.name, c.category_name, c.non_serial, c.state)
        query = apply_odata(query, options, PRODUCT_FIELDS).order_by(c.part_number)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [ProductRow(*row) for row in rows]

    def get(self, part_number: str) -> Product:
        """The product with its revisions and tags; NotFound when unknown."""
        with self._engine.connect() as connection:
            return self._product(connection, self.product_id(connection, part_number))

    def save(self, draft: ProductDraft) -> Product:
        """Create or update a product by part number, with any revisions and tags it carries."""
        with self._engine.begin() as connection:
            product_id = self._save_product(connection, draft, "product")
            return self._product(connection, product_id)

    def save_many(self, drafts: Sequence[ProductDraft]) -> list[Product]:
        """Save several products in one transaction: all or none."""
        with self._engine.begin() as connection:
            ids = [self._save_product(connection, d, f"[{i}]") for i, d in enumerate(drafts)]
            return [self._product(connection, product_id) for product_id in ids]

    def product_id(self, connection: Connection, part_number: str) -> str:
        found = connection.scalar(
            select(products.c.product_id).where(products.c.part_number == part_number)
        )
        if found is None:
            raise NotFound(f"product {part_number!r} not found")
        return str(found)

    def _save_product(self, connection: Connection, draft: ProductDraft, where: str) -> str:
        part_number = _text(draft.part_number, "partNumber", where)
        values = {
            "name": draft.name,
            "description": draft.description,
            "non_serial": draft.non_serial,
            "state": _state(draft.state, where),
            "xml_data": draft.xml_data,
            "category_name": draft.product_category_name,
        }
        found = connection.scalar(
            select(products.c.product_id).where(products.c.part_number == part_number)
        )
        if found is None:
            product_id = new_id()
            connection.execute(
                products.insert().values(
                    product_id=product_id, part_number=part_number, created_utc=utcnow(), **values
                )
            )
        else:
            product_id = str(found)
            connection.execute(
                products.update().where(products.c.product_id == product_id).values(**values)
            )
        apply_tags(connection, product_tags, "product_id", product_id, draft.tags)
        for index, revision in enumerate(draft.revisions):
            own = dataclasses.replace(revision, part_number=part_number)
            self._save_revision(connection, own, f"{where}.revisions[{index}]")
        return product_id

    def _product(self, connection: Connection, product_id: str) -> Product:
        row = connection.execute(select(products).where(products.c.product_id == product_id)).one()
        revision_ids = connection.scalars(
            select(product_revisions.c.revision_id)
            .where(product_revisions.c.product_id == product_id)
            .order_by(product_revisions.c.revision)
        ).all()
        return Product(
            product_id=row.product_id,
            part_number=row.part_number,
            name=row.name,
            description=row.description,
            non_serial=row.non_serial,
            state=row.state,
            xml_data=row.xml_data,
            product_category_name=row.category_name,
            revisions=[self._revision(connection, rid) for rid in revision_ids],
            tags=read_tags(connection, product_tags, "product_id", product_id),
        )

    # -- revisions ----------------------------------------------------------------------------

    def get_revision(self, part_number: str, revision: str) -> Revision:
        with self._engine.connect() as connection:
            return self._revision(connection, self.revision_id(connection, part_number, revision))

    def save_revisions(self, drafts: Sequence[RevisionDraft]) -> list[Revision]:
        """Create or update revisions by (part number or product id, revision), all or none."""
        with self._engine.begin() as connection:
            ids = [self._save_revision(connection, d, f"[{i}]") for i, d in enumerate(drafts)]
            return [self._revision(connection, rid) for rid in ids]

    def revision_id(self, connection: Connection, part_number: str, revision: str) -> str:
        """The id of a product revision; NotFound naming the product or the revision."""
        product_id = self.product_id(connection, part_number)
        found = connection.scalar(
            select(product_revisions.c.revision_id).where(
                product_revisions.c.product_id == product_id,
                product_revisions.c.revision == revision,
            )
        )
        if found is None:
            raise NotFound(f"product {part_number!r} has no revision {revision!r}")
        return str(found)

    def _save_revision(self, connection: Connection, draft: RevisionDraft, where: str) -> str:
        revision = _text(draft.revision, "revision", where)
        if draft.product_id:
            product_id = draft.product_id
            exists = connection.scalar(
                select(products.c.part_number).where(products.c.product_id == product_id)
            )
            if exists is None:
                raise NotFound(f"{where}.productId: product {product_id!r} not found")
            if draft.part_number not in (None, exists):
                raise Invalid(
                    f"{where}.partNumber: {draft.part_number!r} does not match productId "
                    f"(product {exists!r})"
                )
        else:
            product_id = self.product_id(connection, _text(draft.part_number, "partNumber", where))
        values = {
            "name": draft.name,
            "description": draft.description,
            "state": _state(draft.state, where),
            "xml_data": draft.xml_data,
        }
        r = product_revisions.c
        found = connection.scalar(
            select(r.revision_id).where(r.product_id == product_id, r.revision == revision)
        )
        if found is None:
            revision_id = new_id()
            connection.execute(
                product_revisions.insert().values(
                    revision_id=revision_id, product_id=product_id, revision=revision, **values
                )
            )
        else:
            revision_id = str(found)
            connection.execute(
                product_revisions.update().where(r.revision_id == revision_id).values(**values)
            )
        apply_tags(connection, revision_tags, "revision_id", revision_id, draft.tags)
        return revision_id

    def _revision(self, connection: Connection, revision_id: str) -> Revision:
        row = connection.execute(
            select(product_revisions, products.c.part_number)
            .join(products)
            .where(product_revisions.c.revision_id == revision_id)
        ).one()
        return Revision(
            product_revision_id=row.revision_id,
            product_id=row.product_id,
            part_number=row.part_number,
            revision=row.revision,
            name=row.name,
            description=row.description,
            state=row.state,
            xml_data=row.xml_data,
            tags=read_tags(connection, revision_tags, "revision_id", revision_id),
        )

    # -- tags ---------------------------------------------------------------------------------

    def tags(self, part_number: str, revision: str | None = None) -> list[Tag]:
        """The tags of a product, or of one of its revisions."""
        with self._engine.connect() as connection:
            if revision is None:
                owner = self.product_id(connection, part_number)
                return read_tags(connection, product_tags, "product_id", owner)
            owner = self.revision_id(connection, part_number, revision)
            return read_tags(connection, revision_tags, "revision_id", owner)

    def replace_tags(
        self, part_number: str, tags: Sequence[TagChange], revision: str | None = None
    ) -> None:
        """Make `tags` the complete tag set of a product or revision."""
        with self._engine.begin() as connection:
            if revision is None:
                table, column = product_tags, "product_id"
                owner = self.product_id(connection, part_number)
            else:
                table, column = revision_tags, "revision_id"
                owner = self.revision_id(connection, part_number, revision)
            connection.execute(table.delete().where(table.c[column] == owner))
            apply_tags(connection, table, column, owner, tags)

    # -- groups -------------------------------------------------------------------------------

    def groups(self, part_number: str | None = None) -> list[ProductGroup]:
        """Every product group, or the groups `part_number` belongs to."""
        g = product_groups.c
        query = select(g.product_group_id, g.product_group_name).order_by(g.product_group_id)
        with self._engine.connect() as connection:
            if part_number is not None:
                member = product_group_members.c
                query = query.join(
                    product_group_members, member.product_group_id == g.product_group_id
                ).where(member.product_id == self.product_id(connection, part_number))
            rows = connection.execute(query).all()
            return [ProductGroup(gid, name, self._members(connection, gid)) for gid, name in rows]

    def save_group(self, draft: GroupDraft) -> ProductGroup:
        """Create a group by name (or rename one by id); its part numbers, if given, are its
        members."""
        name = _text(draft.product_group_name, "productGroupName", "group")
        g = product_groups.c
        with self._engine.begin() as connection:
            group_id = draft.product_group_id
            if group_id is None:
                group_id = connection.scalar(
                    select(g.product_group_id).where(g.product_group_name == name)
                )
            if group_id is None:
                key = connection.execute(
                    product_groups.insert().values(product_group_name=name)
                ).inserted_primary_key
                assert key is not None
                group_id = key[0]
            else:
                holder = connection.scalar(
                    select(g.product_group_id).where(g.product_group_name == name)
                )
                if holder is not None and holder != group_id:
                    raise Conflict(f"productGroupName: {name!r} is product group {holder}")
                updated = connection.execute(
                    product_groups.update()
                    .where(g.product_group_id == group_id)
                    .values(product_group_name=name)
                )
                if updated.rowcount == 0:
                    raise NotFound(f"productGroupId: product group {group_id!r} not found")
            members = draft.part_numbers
            if members is not None:
                ids = [self.product_id(connection, str(pn)) for pn in members]
                member = product_group_members.c
                connection.execute(
                    product_group_members.delete().where(member.product_group_id == group_id)
                )
                for product_id in dict.fromkeys(ids):
                    connection.execute(
                        product_group_members.insert().values(
                            product_group_id=group_id, product_id=product_id
                        )
                    )
            return ProductGroup(int(group_id), name, self._members(connection, int(group_id)))

    def _members(self, connection: Connection, group_id: int) -> list[str]:
        member = product_group_members.c
        names = connection.scalars(
            select(products.c.part_number)
            .join(product_group_members, member.product_id == products.c.product_id)
            .where(member.product_group_id == group_id)
            .order_by(products.c.part_number)
        ).all()
        return list(names)
