"""Deleting a product or one of its revisions, as WATS does it: what produced units refer to is
set inactive (state 0) instead, and the serial numbers of those units are returned.

A revision another product's box build lists as a child is not deleted (Conflict naming that
product): removing it would silently change the other product's structure.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update

from ._database import Database
from ._domain import Conflict, NotFound
from .product_structure import bom_items, revision_relations
from .products import (
    product_group_members,
    product_revisions,
    product_tags,
    products,
    revision_tags,
)
from .units import units

__all__ = ["ProductDeletion"]


class ProductDeletion:
    """Delete products and revisions; each method returns None when it deleted, else the serial
    numbers of the units that kept the product (revision) and made it inactive instead."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def delete_product(self, part_number: str) -> list[str] | None:
        with self._engine.begin() as connection:
            product_id = connection.scalar(
                select(products.c.product_id).where(products.c.part_number == part_number)
            )
            if product_id is None:
                raise NotFound(f"product {part_number!r} not found")
            serials = self._serials(connection, part_number, None)
            revision_ids = list(
                connection.scalars(
                    select(product_revisions.c.revision_id).where(
                        product_revisions.c.product_id == product_id
                    )
                )
            )
            if serials:
                connection.execute(
                    update(products).where(products.c.product_id == product_id).values(state=0)
                )
                connection.execute(
                    update(product_revisions)
                    .where(product_revisions.c.product_id == product_id)
                    .values(state=0)
                )
                return serials
            for revision_id in revision_ids:
                self._refuse_if_a_child(connection, part_number, revision_id, revision_ids)
            for revision_id in revision_ids:
                self._delete_revision_rows(connection, revision_id)
            connection.execute(delete(product_tags).where(product_tags.c.product_id == product_id))
            connection.execute(
                delete(product_group_members).where(
                    product_group_members.c.product_id == product_id
                )
            )
            connection.execute(delete(products).where(products.c.product_id == product_id))
        return None

    def delete_revision(self, part_number: str, revision: str) -> list[str] | None:
        with self._engine.begin() as connection:
            revision_id = connection.scalar(
                select(product_revisions.c.revision_id)
                .join(products, products.c.product_id == product_revisions.c.product_id)
                .where(
                    products.c.part_number == part_number, product_revisions.c.revision == revision
                )
            )
            if revision_id is None:
                raise NotFound(f"product {part_number!r} has no revision {revision!r}")
            serials = self._serials(connection, part_number, revision)
            if serials:
                connection.execute(
                    update(product_revisions)
                    .where(product_revisions.c.revision_id == revision_id)
                    .values(state=0)
                )
                return serials
            self._refuse_if_a_child(connection, part_number, revision_id, [revision_id])
            self._delete_revision_rows(connection, revision_id)
        return None

    @staticmethod
    def _serials(connection: Connection, part_number: str, revision: str | None) -> list[str]:
        query = select(units.c.serial_number).where(units.c.part_number == part_number)
        if revision is not None:
            query = query.where(units.c.revision == revision)
        return list(connection.scalars(query.order_by(units.c.serial_number)))

    @staticmethod
    def _refuse_if_a_child(
        connection: Connection, part_number: str, revision_id: str, leaving: list[str]
    ) -> None:
        r = revision_relations.c
        parent = connection.execute(
            select(products.c.part_number, product_revisions.c.revision)
            .select_from(revision_relations)
            .join(product_revisions, product_revisions.c.revision_id == r.parent_revision_id)
            .join(products, products.c.product_id == product_revisions.c.product_id)
            .where(r.child_revision_id == revision_id, r.parent_revision_id.not_in(leaving))
            .limit(1)
        ).one_or_none()
        if parent is not None:
            raise Conflict(
                f"product {part_number!r} is in the box build of {parent[0]!r} revision "
                f"{parent[1]!r}; remove it there first"
            )

    @staticmethod
    def _delete_revision_rows(connection: Connection, revision_id: str) -> None:
        r = revision_relations.c
        connection.execute(
            delete(revision_relations).where(
                (r.parent_revision_id == revision_id) | (r.child_revision_id == revision_id)
            )
        )
        connection.execute(delete(bom_items).where(bom_items.c.revision_id == revision_id))
        connection.execute(delete(revision_tags).where(revision_tags.c.revision_id == revision_id))
        connection.execute(
            delete(product_revisions).where(product_revisions.c.revision_id == revision_id)
        )
