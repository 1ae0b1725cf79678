"""Product categories and vendors: the named lists products and BOM lines refer to.

A product names its category by `productCategoryName` (the product list shows it as
`category`); renaming a category renames it on those products in the same transaction. Both
lists are saved by id (to change an entry, rename included) or, without an id, created or
updated by name; names are unique (409).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Connection, String, Table, Text, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id
from ._metadata import metadata
from .products import products

__all__ = [
    "CatalogEntry",
    "CatalogStore",
    "Category",
    "Vendor",
    "product_categories",
    "product_vendors",
]

product_categories = Table(
    "product_categories",
    metadata,
    Column("category_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("description", Text),
)

product_vendors = Table(
    "product_vendors",
    metadata,
    Column("vendor_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("description", Text),
)


@dataclass(frozen=True, slots=True)
class Category:
    category_id: str
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class Vendor:
    vendor_id: str
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A category or vendor to save: by `entry_id`, else by name (created when new)."""

    name: str
    description: str | None = None
    entry_id: str | None = None


class CatalogStore:
    """Product categories and vendors, each a name and a description."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def categories(self) -> list[Category]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(product_categories).order_by("name")).all()
        return [Category(row.category_id, row.name, row.description) for row in rows]

    def save_categories(self, entries: Sequence[CatalogEntry]) -> list[Category]:
        """Create or update categories, all or none; a rename carries over to the products."""
        with self._engine.begin() as connection:
            ids = [
                self._save(connection, product_categories, entry, f"[{index}]", "categoryId")
                for index, entry in enumerate(entries)
            ]
            rows = [
                connection.execute(
                    select(product_categories).where(product_categories.c.category_id == i)
                ).one()
                for i in ids
            ]
        return [Category(row.category_id, row.name, row.description) for row in rows]

    def vendors(self) -> list[Vendor]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(product_vendors).order_by("name")).all()
        return [Vendor(row.vendor_id, row.name, row.description) for row in rows]

    def save_vendor(self, entry: CatalogEntry) -> Vendor:
        with self._engine.begin() as connection:
            vendor_id = self._save(connection, product_vendors, entry, "vendor", "vendorId")
            row = connection.execute(
                select(product_vendors).where(product_vendors.c.vendor_id == vendor_id)
            ).one()
        return Vendor(row.vendor_id, row.name, row.description)

    def delete_vendor(self, vendor_id: str) -> None:
        with self._engine.begin() as connection:
            deleted = connection.execute(
                product_vendors.delete().where(product_vendors.c.vendor_id == vendor_id)
            )
        if deleted.rowcount == 0:
            raise NotFound(f"vendorId: vendor {vendor_id!r} not found")

    def _save(
        self,
        connection: Connection,
        table: Table,
        entry: CatalogEntry,
        where: str,
        id_field: str,
    ) -> str:
        """Insert or update one entry of `table` (its first column is the id); returns the id."""
        key, name = table.c[0], table.c.name
        wanted = entry.name
        if not wanted.strip():
            raise Invalid(f"{where}.name: expected a non-empty string, got {wanted!r}")
        kind = "category" if table is product_categories else "vendor"
        given = entry.entry_id
        if given is not None:
            old = connection.execute(select(name).where(key == str(given))).scalar_one_or_none()
            if old is None:
                raise NotFound(f"{where}.{id_field}: {kind} {given!r} not found")
            entry_id = str(given)
        else:
            old = wanted
            found = connection.scalar(select(key).where(name == wanted))
            entry_id = new_id() if found is None else str(found)
            if found is None:
                connection.execute(table.insert().values({key.name: entry_id, "name": wanted}))
        holder = connection.scalar(select(key).where(name == wanted, key != entry_id))
        if holder is not None:
            raise Conflict(f"{where}.name: a {kind} named {wanted!r} already exists")
        values = {"name": wanted, "description": entry.description}
        connection.execute(table.update().where(key == entry_id).values(values))
        if table is product_categories and old != wanted:
            connection.execute(
                products.update()
                .where(products.c.category_name == old)
                .values(category_name=wanted)
            )
        return entry_id
