"""Unit operations the WATS client library calls beyond rest-api.md: OData query of units, one
tag set, a unit moved to another product (revision), and deletion of a unit.

A move and a deletion keep the history honest: a move is recorded as a unit change; a unit
that holds sub-units or is inside another unit is not deleted (Conflict).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, exists, select, update

from ..odata import parse_filter
from ..odata._sql import CollectionSpec, FieldSpec, compile_filter, compile_orderby
from ..odata._syntax import ODataError
from ._database import Database
from ._domain import Conflict, Invalid, NotFound, utcnow
from ._tags import TagChange, apply_tags
from .products import ProductStore
from .units import Unit, UnitStore, unit_changes, unit_tags, units

__all__ = ["UNIT_FIELDS", "UnitEdits"]

_MAX_TOP = 1000
_DEFAULT_TOP = 100

#: The unit fields `$filter` and `$orderby` take.
UNIT_FIELDS = {
    "serialNumber": FieldSpec(units.c.serial_number, "string"),
    "partNumber": FieldSpec(units.c.part_number, "string"),
    "revision": FieldSpec(units.c.revision, "string"),
    "batchNumber": FieldSpec(units.c.batch_number, "string"),
    "serialDate": FieldSpec(units.c.serial_date, "datetime"),
    "currentLocation": FieldSpec(units.c.current_location, "string"),
    "unitPhaseId": FieldSpec(units.c.phase_id, "int"),
    "processCode": FieldSpec(units.c.process_code, "int"),
}
_children = units.alias("children")
_SUB_UNIT_FIELDS = {
    "serialNumber": FieldSpec(_children.c.serial_number, "string"),
    "partNumber": FieldSpec(_children.c.part_number, "string"),
    "revision": FieldSpec(_children.c.revision, "string"),
}
_COLLECTIONS = {
    "subUnits": CollectionSpec(
        _SUB_UNIT_FIELDS,
        lambda predicate: exists().where(
            and_(
                _children.c.parent_pk == units.c.unit_pk,
                *([predicate] if predicate is not None else []),
            )
        ),
    )
}


class UnitEdits:
    """Query, tag, move and delete units; NotFound for an unknown unit or product revision."""

    def __init__(self, database: Database, units_store: UnitStore, products: ProductStore):
        self._engine = database.engine
        self._units = units_store
        self._products = products

    def query(
        self, filter: str | None, orderby: str | None, top: int | None, skip: int | None
    ) -> list[Unit]:
        """Units matching the OData options (with direct sub-units), by serial number unless
        `$orderby` says otherwise; at most `top` (100 by default, 1000 at most)."""
        if top is not None and top > _MAX_TOP:
            raise Invalid(f"$top: at most {_MAX_TOP} units per query, got {top}")
        c = units.c
        query = select(c.serial_number, c.part_number)
        try:
            if filter:
                query = query.where(compile_filter(parse_filter(filter), UNIT_FIELDS, _COLLECTIONS))
            if orderby:
                query = query.order_by(*compile_orderby(orderby, UNIT_FIELDS))
        except ODataError as exc:
            raise Invalid(str(exc)) from None
        query = query.order_by(c.serial_number, c.part_number).offset(skip or 0)
        query = query.limit(_DEFAULT_TOP if top is None else top)
        with self._engine.connect() as connection:
            keys = connection.execute(query).all()
        return [self._units.get(sn, pn) for sn, pn in keys]

    def set_tag(self, serial_number: str, part_number: str, key: str, value: str | None) -> None:
        """Set one tag of the unit (others stay)."""
        if not key:
            raise Invalid("key: expected a non-empty tag key")
        with self._engine.begin() as connection:
            pk = self._pk(connection, serial_number, part_number)
            apply_tags(connection, unit_tags, "unit_pk", pk, [TagChange(key, value)])

    def change(
        self, serial_number: str, part_number: str, new_part_number: str, new_revision: str
    ) -> None:
        """Move the unit to another product revision (which must exist); recorded as a change.
        Conflict when the new product already has a unit with this serial number."""
        with self._engine.begin() as connection:
            pk = self._pk(connection, serial_number, part_number)
            self._products.revision_id(connection, new_part_number, new_revision)
            if new_part_number != part_number:
                taken = connection.scalar(
                    select(units.c.unit_pk).where(
                        units.c.serial_number == serial_number,
                        units.c.part_number == new_part_number,
                    )
                )
                if taken is not None:
                    raise Conflict(
                        f"unit {serial_number!r} of product {new_part_number!r} already exists"
                    )
            connection.execute(
                update(units)
                .where(units.c.unit_pk == pk)
                .values(part_number=new_part_number, revision=new_revision)
            )
            connection.execute(
                unit_changes.insert().values(
                    unit_pk=pk,
                    changed_utc=utcnow(),
                    new_part_number=new_part_number,
                    new_revision=new_revision,
                    comment=f"moved from {part_number}",
                )
            )

    def delete(self, serial_number: str, part_number: str) -> None:
        """Delete a unit with its tags and changes; Conflict while it holds or is in a unit."""
        with self._engine.begin() as connection:
            pk = self._pk(connection, serial_number, part_number)
            parent = connection.scalar(select(units.c.parent_pk).where(units.c.unit_pk == pk))
            if parent is not None:
                raise Conflict(f"unit {serial_number!r} is inside another unit; remove it first")
            if connection.scalar(select(units.c.unit_pk).where(units.c.parent_pk == pk).limit(1)):
                raise Conflict(f"unit {serial_number!r} holds sub-units; remove them first")
            connection.execute(delete(unit_tags).where(unit_tags.c.unit_pk == pk))
            connection.execute(delete(unit_changes).where(unit_changes.c.unit_pk == pk))
            connection.execute(delete(units).where(units.c.unit_pk == pk))

    @staticmethod
    def _pk(connection: Any, serial_number: str, part_number: str) -> int:
        found = connection.scalar(
            select(units.c.unit_pk).where(
                units.c.serial_number == serial_number, units.c.part_number == part_number
            )
        )
        if found is None:
            raise NotFound(f"unit {serial_number!r} of product {part_number!r} not found")
        return int(found)
