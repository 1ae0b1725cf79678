"""Product categories and vendors: the named lists products and BOM lines refer to.

A product names its category by `productCategoryName` (the product list shows it as
`category`); renaming a category renames it on those products in the same transaction. Both
lists are saved by id (to change an entry, rename included) or, without an id, created or
updated by name; names are unique (409).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, String, Table, Text, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id
from ._metadata import metadata
from .products import products

__all__ = ["CatalogStore", "product_categories", "product_vendors"]

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


def _name(body: Mapping[str, Any], where: str) -> str:
    value = body.get("name")
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{where}.name: expected a non-empty string, got {value!r}")
    return value


class CatalogStore:
    """Categories `{categoryId, name, description}` and vendors `{vendorId, name, description}`."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def categories(self) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(product_categories).order_by("name")).all()
        return [_category(row) for row in rows]

    def save_categories(self, bodies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create or update categories, all or none; a rename carries over to the products."""
        with self._engine.begin() as connection:
            ids = [
                self._save(connection, product_categories, body, f"[{index}]", "categoryId")
                for index, body in enumerate(bodies)
            ]
            rows = [
                connection.execute(
                    select(product_categories).where(product_categories.c.category_id == i)
                ).one()
                for i in ids
            ]
        return [_category(row) for row in rows]

    def vendors(self) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(product_vendors).order_by("name")).all()
        return [_vendor(row) for row in rows]

    def save_vendor(self, body: Mapping[str, Any]) -> dict[str, Any]:
        with self._engine.begin() as connection:
            vendor_id = self._save(connection, product_vendors, body, "vendor", "vendorId")
            row = connection.execute(
                select(product_vendors).where(product_vendors.c.vendor_id == vendor_id)
            ).one()
        return _vendor(row)

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
        body: Mapping[str, Any],
        where: str,
        id_field: str,
    ) -> str:
        """Insert or update one entry of `table` (its first column is the id); returns the id."""
        key, name = table.c[0], table.c.name
        wanted = _name(body, where)
        kind = "category" if table is product_categories else "vendor"
        given = body.get(id_field)
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
        values = {"name": wanted, "description": body.get("description")}
        connection.execute(table.update().where(key == entry_id).values(values))
        if table is product_categories and old != wanted:
            connection.execute(
                products.update()
                .where(products.c.category_name == old)
                .values(category_name=wanted)
            )
        return entry_id


def _category(row: Any) -> dict[str, Any]:
    return {"categoryId": row.category_id, "name": row.name, "description": row.description}


def _vendor(row: Any) -> dict[str, Any]:
    return {"vendorId": row.vendor_id, "name": row.name, "description": row.description}
