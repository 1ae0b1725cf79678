"""Serial-number types and allocation of new numbers from them.

A type allocates integers `start..end` in order and renders each through its `format`: a run
of `#` is the number in decimal, a run of `$` in upper-case hexadecimal, zero-padded to the
run's length (`PCB-######` -> `PCB-000042`; a MAC-address type: `001A2B$$$$$$`). Only the
first run is replaced; without a run the decimal number is appended.

Numbers can also be imported (`serial_number_ledger`): taken ones go where allocated ones go,
free ones into `serial_number_pool`. A take hands out pooled numbers first (lowest first), then
counts on from the type's counter, skipping every value already taken.

Every writer of a type's numbers first updates the type's row, which locks it until commit
(a row lock on PostgreSQL, the write lock on SQLite), so concurrent takers and importers never
see each other's half-done work and never receive the same number; the primary key on
(type, serial number) enforces it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    func,
    select,
)

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, utcnow
from ._metadata import metadata

__all__ = [
    "SerialNumberStore",
    "SerialType",
    "SerialTypeDraft",
    "Stock",
    "TakenSerial",
    "available",
    "lock_type",
    "parse_serial",
    "render_serial",
    "serial_number_pool",
    "serial_number_types",
    "serial_numbers",
    "stock",
    "taken_serial",
]

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
    Index("ix_serial_numbers_type_name_value", "type_name", "value"),
)

serial_number_pool = Table(
    "serial_number_pool",
    metadata,
    Column("type_name", String(100), ForeignKey("serial_number_types.name"), primary_key=True),
    Column("serial_number", String(200), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

_WINDOW = 1000
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


def parse_serial(format: str, serial: str) -> int | None:
    """The value `render_serial(format, value)` writes as `serial`, or None if none does."""
    run = _RUN.search(format)
    head, tail = (format, "") if run is None else (format[: run.start()], format[run.end() :])
    if len(serial) <= len(head) + len(tail) or not serial.startswith(head):
        return None
    if not serial.endswith(tail):
        return None
    digits = serial[len(head) : len(serial) - len(tail)]
    base = 16 if run is not None and run.group()[0] == "$" else 10
    if not all(ch in "0123456789ABCDEF"[:base] for ch in digits):
        return None
    value = int(digits, base)
    return value if render_serial(format, value) == serial else None


def lock_type(connection: Connection, type_name: str, field: str) -> Any:
    """The type's row, locked until commit (see the module docstring); NotFound names `field`.

    One statement: the no-op update that takes the lock returns the row."""
    t = serial_number_types.c
    row = connection.execute(
        serial_number_types.update()
        .where(t.name == type_name)
        .values(next_value=t.next_value)
        .returning(*serial_number_types.c)
    ).one_or_none()
    if row is None:
        raise NotFound(f"{field}: serial-number type {type_name!r} not found")
    return row


@dataclass(frozen=True)
class Stock:
    """What a type can still hand out: `ahead` counter values not yet passed, of which
    `taken_ahead` were taken already (imported), and `pooled` imported free numbers, of which
    `pooled_ahead` lie among the counter's values. Counts only what lies ahead: a take reads it,
    and must not count every number ever taken."""

    ahead: int
    taken_ahead: int
    pooled: int
    pooled_ahead: int

    @property
    def available(self) -> int:
        return self.ahead - self.taken_ahead + self.pooled - self.pooled_ahead


def stock(connection: Connection, row: Any) -> Stock:
    """The stock of the type in `row`, counted in one statement."""
    s, p = serial_numbers.c, serial_number_pool.c
    between = (row.next_value, row.end_value)

    def count(table: Table, *where: Any) -> Any:
        query = select(func.count()).select_from(table).where(table.c.type_name == row.name)
        return query.where(*where).scalar_subquery()

    taken_ahead, pooled, pooled_ahead = connection.execute(
        select(
            count(serial_numbers, s.value.between(*between)),
            count(serial_number_pool),
            count(serial_number_pool, p.value.between(*between)),
        )
    ).one()
    ahead = max(int(row.end_value - row.next_value + 1), 0)
    return Stock(ahead, int(taken_ahead), int(pooled), int(pooled_ahead))


def available(connection: Connection, row: Any) -> int:
    """How many numbers a take can still hand out: the counter's unused values not taken
    already, plus the pooled numbers outside them."""
    return stock(connection, row).available


def _capacity(format: str) -> int | None:
    run = _RUN.search(format)
    if run is None:
        return None
    base = 16 if run.group()[0] == "$" else 10
    return int(base ** len(run.group()) - 1)


@dataclass(frozen=True, slots=True)
class SerialTypeDraft:
    """A type to define: numbers `start..end` written through `format`; `identifier` 0 serial
    number, 1 MAC address, 2 IMEI."""

    name: str
    format: str
    end: int
    start: int = 1
    description: str | None = None
    reg_ex: str | None = None
    identifier: int = 0


@dataclass(frozen=True, slots=True)
class SerialType:
    """A type and how many numbers it can still hand out."""

    name: str
    description: str | None
    format: str
    reg_ex: str | None
    identifier: int
    identifier_name: str
    start: int
    end: int
    available: int


@dataclass(frozen=True, slots=True)
class TakenSerial:
    """A number taken from a type, with the unit and station it was taken for."""

    serial_number: str
    type_name: str
    value: int
    reference_serial_number: str | None
    reference_part_number: str | None
    station_name: str | None
    taken_utc: datetime


def taken_serial(row: Any) -> TakenSerial:
    """The record of a row of `serial_numbers`."""
    return TakenSerial(
        row.serial_number,
        row.type_name,
        row.value,
        row.reference_serial_number,
        row.reference_part_number,
        row.station_name,
        row.taken_utc,
    )


def _type(row: Any, left: int) -> SerialType:
    return SerialType(
        name=row.name,
        description=row.description,
        format=row.format,
        reg_ex=row.reg_ex,
        identifier=row.identifier,
        identifier_name=_IDENTIFIERS.get(row.identifier, "SerialNumber"),
        start=row.start_value,
        end=row.end_value,
        available=left,
    )


class SerialNumberStore:
    """Serial-number types and the numbers taken from them."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def types(self) -> list[SerialType]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(serial_number_types).order_by("name")).all()
            return [_type(row, available(connection, row)) for row in rows]

    def create_type(self, draft: SerialTypeDraft) -> SerialType:
        """Define a new type; Conflict when the name exists, Invalid for an unusable range."""
        name, format, start, end = draft.name, draft.format, draft.start, draft.end
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
                    description=draft.description,
                    format=format,
                    reg_ex=draft.reg_ex,
                    identifier=draft.identifier,
                    start_value=start,
                    end_value=end,
                    next_value=start,
                )
            )
            row = connection.execute(
                select(serial_number_types).where(serial_number_types.c.name == name)
            ).one()
            return _type(row, available(connection, row))

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
        with self._engine.begin() as connection:
            row = lock_type(connection, type_name, "serialNumberType")
            left = stock(connection, row)
            if left.available < quantity:
                raise Conflict(
                    f"serial-number type {type_name!r} is exhausted: {left.available} left, "
                    f"{quantity} asked"
                )
            chosen = self._take_pooled(connection, type_name, quantity) if left.pooled else []
            pooled = {value for _, value in chosen}
            value = row.next_value
            while len(chosen) < quantity:
                # A window of the counter's next values at a time: imported taken numbers
                # ahead of the counter are skipped without reading them all (and without a
                # query when there are none, the usual case).
                last = value + max(quantity - len(chosen), _WINDOW) - 1
                skip = pooled
                if left.taken_ahead:
                    skip = skip | set(
                        connection.scalars(
                            select(serial_numbers.c.value).where(
                                serial_numbers.c.type_name == type_name,
                                serial_numbers.c.value.between(value, last),
                            )
                        )
                    )
                while len(chosen) < quantity and value <= last:
                    if value not in skip:
                        chosen.append((render_serial(row.format, value), value))
                    value += 1
            if value != row.next_value:
                connection.execute(
                    serial_number_types.update()
                    .where(serial_number_types.c.name == type_name)
                    .values(next_value=value)
                )
            now = utcnow()
            connection.execute(
                serial_numbers.insert(),
                [
                    {
                        "type_name": type_name,
                        "serial_number": serial,
                        "value": number,
                        "reference_serial_number": reference_serial_number,
                        "reference_part_number": reference_part_number,
                        "station_name": station_name,
                        "taken_utc": now,
                    }
                    for serial, number in chosen
                ],
            )
        return [serial for serial, _ in chosen]

    def _take_pooled(
        self, connection: Connection, type_name: str, quantity: int
    ) -> list[tuple[str, int]]:
        """Remove up to `quantity` pooled (imported free) numbers, lowest first."""
        p = serial_number_pool.c
        pooled = [
            (serial, int(value))
            for serial, value in connection.execute(
                select(p.serial_number, p.value)
                .where(p.type_name == type_name)
                .order_by(p.value)
                .limit(quantity)
            )
        ]
        if pooled:
            connection.execute(
                serial_number_pool.delete().where(
                    p.type_name == type_name, p.serial_number.in_([s for s, _ in pooled])
                )
            )
        return pooled

    def taken(
        self,
        type_name: str,
        *,
        value_range: tuple[int, int] | None = None,
        reference: tuple[str | None, str | None] = (None, None),
    ) -> list[TakenSerial]:
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
            return [taken_serial(row) for row in connection.execute(query)]
