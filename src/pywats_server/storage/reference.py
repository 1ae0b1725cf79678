"""Reference lists shared by every domain: production levels and product groups."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, String, Table, select

from ._database import Database
from ._metadata import metadata

__all__ = ["SEED_LEVELS", "ReferenceStore", "levels", "product_groups", "seed_levels"]

levels = Table(
    "levels",
    metadata,
    Column("level_id", Integer, primary_key=True),
    Column("level_name", String(100), nullable=False, unique=True),
)

product_groups = Table(
    "product_groups",
    metadata,
    Column("product_group_id", Integer, primary_key=True),
    Column("product_group_name", String(100), nullable=False, unique=True),
)

SEED_LEVELS = ("PCBA", "Module", "System")


def seed_levels(connection: Connection) -> None:
    """Insert the production levels a new database starts with."""
    connection.execute(
        levels.insert(), [{"level_id": i, "level_name": n} for i, n in enumerate(SEED_LEVELS, 1)]
    )


class ReferenceStore:
    """Reads the level and product-group lists and adds product groups."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def levels(self) -> list[tuple[int, str]]:
        """`(level id, level name)` pairs by id."""
        with self._engine.connect() as connection:
            query = select(levels.c.level_id, levels.c.level_name).order_by(levels.c.level_id)
            return [(int(i), str(n)) for i, n in connection.execute(query)]

    def product_groups(self) -> list[tuple[int, str]]:
        """`(product group id, name)` pairs by id."""
        with self._engine.connect() as connection:
            query = select(
                product_groups.c.product_group_id, product_groups.c.product_group_name
            ).order_by(product_groups.c.product_group_id)
            return [(int(i), str(n)) for i, n in connection.execute(query)]
