"""Serial-number types and allocation of new numbers from them.

A type allocates integers `start..end` in order and renders each through its `format`: a run
of `#` is the number in decimal, a run of `$` in upper-case hexadecimal, zero-padded to the
run's length (`PCB-######` -> `PCB-000042`; a MAC-address type: `001A2B$$$$$$`). Only the
first run is replaced; without a run the decimal number is appended.

Allocation is one conditional UPDATE of the type's counter inside the inserting transaction, so
concurrent takers (threads, processes, SQLite or PostgreSQL) never receive the same number; the
primary key on (type, serial number) enforces it again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, String, Table, select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, utcnow
from ._metadata import metadata

__all__ = ["SerialNumberStore", "render_serial", "serial_number_types", "serial_numbers"]

serial_number_types = Table(
    "serial_number_types",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("description", String(500)),
    Column("format", String(200), nullable=False),
    Column("reg_ex", String(500)),
    Column("identifier", Integer, nullable=False),
    Column("start_value", BigInteger, nullable=False),
    Column("end_value", BigInteger, nullable=False),
    Column("next_value", BigInteger, nullable=False),
)

serial_numbers = Table(
    "serial_numbers",
    metadata,
    Column("type_name", String(100), ForeignKey("serial_number_types.name"), primary_key=True),
    Column("serial_number", String(200), primary_key=True),
    Column("value", BigInteger, nullable=False),
    Column("reference_serial_number", String(200)),
    Column("reference_part_number", String(200)),
    Column("station_name", String(200)),
    Column("taken_utc", DateTime, nullable=False),
)

_RUN = re.compile(r"#+|\$+")
_IDENTIFIERS = {0: "SerialNumber", 1: "MACAddress", 2: "IMEI"}


def render_serial(format: str, value: int) -> str:
    """The serial number `value` written through `format` (see the module docstring)."""
    run = _RUN.search(format)
    if run is None:
        return f"{format}{value}"
    width = len(run.group())
    digits = f"{value:0{width}X}" if run.group()[0] == "$" else f"{value:0{width}d}"
    return format[: run.start()] + digits + format[run.end() :]


def _capacity(format: str) -> int | None:
    run = _RUN.search(format)
    if run is None:
        return None
    base = 16 if run.group()[0] == "$" else 10
    return int(base ** len(run.group()) - 1)


def _type(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "description": row.description,
        "format": row.format,
        "regEx": row.reg_ex,
        "identifier": row.identifier,
        "identifierName": _IDENTIFIERS.get(row.identifier, "SerialNumber"),
        "start": row.start_value,
        "end": row.end_value,
        "available": row.end_value - row.next_value + 1,
    }


class SerialNumberStore:
    """Serial-number types and the numbers taken from them."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def types(self) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(serial_number_types).order_by("name"))
            return [_type(row) for row in rows]

    def create_type(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Define a new type; Conflict when the name exists, Invalid for an unusable range."""
        name, format = body["name"], body["format"]
        start, end = int(body.get("start", 1)), int(body["end"])
        if not 0 <= start <= end:
            raise Invalid(f"serial-number type {name!r}: expected 0 <= start <= end")
        capacity = _capacity(format)
        if capacity is not None and end > capacity:
            raise Invalid(f"format: {format!r} holds numbers up to {capacity}, but end is {end}")
        with self._engine.begin() as connection:
            exists = connection.scalar(
                select(serial_number_types.c.name).where(serial_number_types.c.name == name)
            )
            if exists is not None:
                raise Conflict(f"serial-number type {name!r} already exists")
            connection.execute(
                serial_number_types.insert().values(
                    name=name,
                    description=body.get("description"),
                    format=format,
                    reg_ex=body.get("regEx"),
                    identifier=int(body.get("identifier", 0)),
                    start_value=start,
                    end_value=end,
                    next_value=start,
                )
            )
            row = connection.execute(
                select(serial_number_types).where(serial_number_types.c.name == name)
            ).one()
            return _type(row)

    def take(
        self,
        type_name: str,
        quantity: int,
        *,
        reference_serial_number: str | None = None,
        reference_part_number: str | None = None,
        station_name: str | None = None,
    ) -> list[str]:
        """Allocate the next `quantity` numbers of a type atomically; Conflict if too few left."""
        if quantity < 1:
            raise Invalid(f"quantity: expected at least 1, got {quantity}")
        t = serial_number_types.c
        with self._engine.begin() as connection:
            claimed = connection.execute(
                serial_number_types.update()
                .where(t.name == type_name, t.next_value + quantity - 1 <= t.end_value)
                .values(next_value=t.next_value + quantity)
            )
            row = connection.execute(
                select(t.format, t.next_value, t.end_value).where(t.name == type_name)
            ).one_or_none()
            if row is None:
                raise NotFound(f"serialNumberType: serial-number type {type_name!r} not found")
            if claimed.rowcount == 0:
                left = row.end_value - row.next_value + 1
                raise Conflict(
                    f"serial-number type {type_name!r} is exhausted: {left} left, {quantity} asked"
                )
            first = row.next_value - quantity
            taken = [render_serial(row.format, v) for v in range(first, row.next_value)]
            now = utcnow()
            connection.execute(
                serial_numbers.insert(),
                [
                    {
                        "type_name": type_name,
                        "serial_number": serial,
                        "value": first + index,
                        "reference_serial_number": reference_serial_number,
                        "reference_part_number": reference_part_number,
                        "station_name": station_name,
                        "taken_utc": now,
                    }
                    for index, serial in enumerate(taken)
                ],
            )
        return taken

    def taken(
        self,
        type_name: str,
        *,
        value_range: tuple[int, int] | None = None,
        reference: tuple[str | None, str | None] = (None, None),
    ) -> list[dict[str, Any]]:
        """Numbers taken from a type: within `value_range` or by reference unit, by value."""
        s = serial_numbers.c
        query = select(serial_numbers).where(s.type_name == type_name).order_by(s.value)
        if value_range is not None:
            query = query.where(s.value >= value_range[0], s.value <= value_range[1])
        if reference[0] is not None:
            query = query.where(s.reference_serial_number == reference[0])
        if reference[1] is not None:
            query = query.where(s.reference_part_number == reference[1])
        with self._engine.connect() as connection:
            return [
                {
                    "serialNumber": row.serial_number,
                    "typeName": row.type_name,
                    "value": row.value,
                    "referenceSerialNumber": row.reference_serial_number,
                    "referencePartNumber": row.reference_part_number,
                    "stationName": row.station_name,
                    "takenUtc": row.taken_utc,
                }
                for row in connection.execute(query)
            ]
