"""Production batches: a batch number with its planned size.

Units join a batch by carrying its number (`Unit.batchNumber`); a batch stores no part number,
so "the batches of a part number" are the batches some unit of that part number names, and
`unitCount` (a pyWATS extension) counts the units naming a batch. The size is the planned
quantity: it is not enforced when units are registered (WATS stores a unit's batch number as
given, registered batch or not). Renaming a batch renames it on its units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Integer, String, Table, func, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, utcnow
from ._metadata import BigId, metadata
from .units import units

__all__ = ["BatchStore", "production_batches"]

production_batches = Table(
    "production_batches",
    metadata,
    Column("batch_id", BigId, primary_key=True, autoincrement=True),
    Column("batch_number", String(200), nullable=False, unique=True),
    Column("batch_size", Integer, nullable=False),
    Column("created_utc", DateTime, nullable=False),
)


class BatchStore:
    """Batches `{batchId, batchNumber, batchSize, unitCount}`, saved by id or batch number."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def query(self, part_number: str | None, batch_id: int | None) -> list[dict[str, Any]]:
        """Batches by number; only those a unit of `part_number` names, or the one `batch_id`."""
        b = production_batches.c
        query = select(production_batches).order_by(b.batch_number)
        if batch_id is not None:
            query = query.where(b.batch_id == batch_id)
        if part_number is not None:
            named = select(units.c.batch_number).where(units.c.part_number == part_number)
            query = query.where(b.batch_number.in_(named))
        with self._engine.connect() as connection:
            return [self._batch(connection, row) for row in connection.execute(query)]

    def save(self, bodies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create or update batches, all or none (errors name the item `[i]`)."""
        with self._engine.begin() as connection:
            ids = [self._save(connection, body, f"[{i}]") for i, body in enumerate(bodies)]
            rows = [
                connection.execute(
                    select(production_batches).where(production_batches.c.batch_id == batch_id)
                ).one()
                for batch_id in ids
            ]
            return [self._batch(connection, row) for row in rows]

    def _save(self, connection: Connection, body: Mapping[str, Any], where: str) -> int:
        number, size = body.get("batchNumber"), body.get("batchSize")
        if not isinstance(number, str) or not number.strip():
            raise Invalid(f"{where}.batchNumber: expected a non-empty string, got {number!r}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise Invalid(f"{where}.batchSize: expected a positive whole number, got {size!r}")
        b = production_batches.c
        batch_id = body.get("batchId")
        holder = connection.scalar(select(b.batch_id).where(b.batch_number == number))
        if batch_id is None:
            if holder is None:
                key = connection.execute(
                    production_batches.insert().values(
                        batch_number=number, batch_size=size, created_utc=utcnow()
                    )
                ).inserted_primary_key
                assert key is not None
                return int(key[0])
            batch_id = holder
        elif connection.scalar(select(b.batch_id).where(b.batch_id == batch_id)) is None:
            raise NotFound(f"{where}.batchId: batch {batch_id} not found")
        elif holder is not None and holder != batch_id:
            raise Conflict(f"{where}.batchNumber: batch {number!r} already exists")
        old = connection.scalar(select(b.batch_number).where(b.batch_id == batch_id))
        if old != number:
            connection.execute(
                units.update().where(units.c.batch_number == old).values(batch_number=number)
            )
        connection.execute(
            production_batches.update()
            .where(b.batch_id == batch_id)
            .values(batch_number=number, batch_size=size)
        )
        return int(batch_id)

    def _batch(self, connection: Connection, row: Any) -> dict[str, Any]:
        count = connection.scalar(
            select(func.count()).where(units.c.batch_number == row.batch_number)
        )
        return {
            "batchId": row.batch_id,
            "batchNumber": row.batch_number,
            "batchSize": row.batch_size,
            "unitCount": count,
        }
