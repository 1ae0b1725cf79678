"""Production batches: a batch number with its planned size.

Units join a batch by carrying its number (`Unit.batchNumber`); a batch stores no part number,
so "the batches of a part number" are the batches some unit of that part number names, and
`unitCount` (a pyWATS extension) counts the units naming a batch. The size is the planned
quantity: it is not enforced when units are registered (WATS stores a unit's batch number as
given, registered batch or not). Renaming a batch renames it on its units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Integer, String, Table, func, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, utcnow
from ._metadata import BigId, metadata
from .units import units

__all__ = ["Batch", "BatchDraft", "BatchStore", "production_batches"]

production_batches = Table(
    "production_batches",
    metadata,
    Column("batch_id", BigId, primary_key=True, autoincrement=True),
    Column("batch_number", String(200), nullable=False, unique=True),
    Column("batch_size", Integer, nullable=False),
    Column("created_utc", DateTime, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch and how many units name it."""

    batch_id: int
    batch_number: str
    batch_size: int
    unit_count: int


@dataclass(frozen=True, slots=True)
class BatchDraft:
    """A batch to save: by `batch_id`, else by `batch_number`. The store checks the number
    (not empty) and size (at least 1), naming the item, so a list reads like a single save."""

    batch_number: str | None
    batch_size: int | None
    batch_id: int | None = None


class BatchStore:
    """Batches, saved by id or batch number."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def query(self, part_number: str | None, batch_id: int | None) -> list[Batch]:
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

    def save(self, drafts: Sequence[BatchDraft]) -> list[Batch]:
        """Create or update batches, all or none (errors name the item `[i]`)."""
        with self._engine.begin() as connection:
            ids = [self._save(connection, draft, f"[{i}]") for i, draft in enumerate(drafts)]
            rows = [
                connection.execute(
                    select(production_batches).where(production_batches.c.batch_id == batch_id)
                ).one()
                for batch_id in ids
            ]
            return [self._batch(connection, row) for row in rows]

    def _save(self, connection: Connection, draft: BatchDraft, where: str) -> int:
        number, size = draft.batch_number, draft.batch_size
        if number is None or not number.strip():
            raise Invalid(f"{where}.batchNumber: expected a non-empty string, got {number!r}")
        if size is None or size < 1:
            raise Invalid(f"{where}.batchSize: expected a positive whole number, got {size!r}")
        b = production_batches.c
        batch_id = draft.batch_id
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

    def _batch(self, connection: Connection, row: Any) -> Batch:
        count = connection.scalar(
            select(func.count()).where(units.c.batch_number == row.batch_number)
        )
        return Batch(row.batch_id, row.batch_number, row.batch_size, count or 0)
