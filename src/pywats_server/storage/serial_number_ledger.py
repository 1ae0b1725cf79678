"""A type's numbers as a whole: import and export files, counts, taken ranges and statistics.

Import is all or nothing. Each number must be written in the type's format (so it has a value
on the type's counter), appear once in the file (400 naming both lines) and be neither taken
nor pooled already (409 naming the line): duplicates are refused, never skipped. Taken numbers
are stored as allocated ones are, so a take never hands them out; free numbers join the pool a
take empties first (see `serial_numbers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, cast, func, literal, null, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import GenerativeSelect

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, as_utc, utcnow
from .serial_number_files import SerialRecord, read_serial_numbers, write_serial_numbers
from .serial_numbers import (
    lock_type,
    parse_serial,
    render_serial,
    serial_number_pool,
    serial_number_types,
    serial_numbers,
    stock,
)

__all__ = ["ImportCount", "SerialNumberLedger", "SerialStatistics", "TakenRange"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ImportCount:
    """What an import file held: taken and free numbers of one type."""

    type_name: str
    taken: int
    free: int


@dataclass(frozen=True, slots=True)
class TakenRange:
    """A run of consecutive taken values `from_..to` of a type."""

    type_name: str
    from_: int
    to: int
    from_serial_number: str
    to_serial_number: str
    count: int


@dataclass(frozen=True, slots=True)
class SerialStatistics:
    """A type's range, its counter's next value and how many numbers are taken, free and
    still available."""

    type_name: str
    start: int
    end: int
    next_value: int
    taken: int
    free: int
    available: int


class SerialNumberLedger:
    """Imports, exports and summaries of the numbers of serial-number types."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def import_file(self, type_name: str | None, body: bytes) -> ImportCount:
        """Import a CSV or XML file into the type it names, or into `type_name` when given (an
        export of one type imports into another); counts what it held."""
        records = read_serial_numbers(body)
        if not records:
            raise Invalid("serial-number file: it lists no serial numbers")
        type_name = _file_type(records, type_name)
        with self._engine.begin() as connection:
            row = lock_type(connection, type_name, "typeName")
            values = self._values(row, records)
            self._refuse_known(connection, type_name, records)
            now = utcnow()
            taken = [
                {
                    "type_name": type_name,
                    "serial_number": record.serial_number,
                    "value": value,
                    "reference_serial_number": record.fields.get("referenceSerialNumber"),
                    "reference_part_number": record.fields.get("referencePartNumber"),
                    "station_name": record.fields.get("stationName"),
                    "taken_utc": record.taken_utc or now,
                }
                for record, value in zip(records, values, strict=True)
                if record.taken
            ]
            free = [
                {"type_name": type_name, "serial_number": record.serial_number, "value": value}
                for record, value in zip(records, values, strict=True)
                if not record.taken
            ]
            if taken:
                connection.execute(serial_numbers.insert(), taken)
            if free:
                connection.execute(serial_number_pool.insert(), free)
        return ImportCount(type_name, len(taken), len(free))

    def export_file(self, type_name: str, state: str | None, format: str) -> bytes:
        """The type's taken and/or free (pooled) numbers by value, as `csv` or `xml`."""
        if format not in ("csv", "xml"):
            raise Invalid(f"format: expected 'csv' or 'xml', got {format!r}")
        if state not in (None, "taken", "free"):
            raise Invalid(f"state: expected 'taken' or 'free' (or none for both), got {state!r}")
        s, p = serial_numbers.c, serial_number_pool.c
        taken = select(
            s.value,
            s.serial_number,
            literal("taken", String).label("state"),
            s.reference_serial_number,
            s.reference_part_number,
            s.station_name,
            s.taken_utc,
        ).where(s.type_name == type_name)
        free = select(
            p.value,
            p.serial_number,
            literal("free", String).label("state"),
            *(cast(null(), String(200)) for _ in range(3)),
            cast(null(), DateTime),
        ).where(p.type_name == type_name)
        query: GenerativeSelect
        if state is None:
            both = union_all(taken, free)
            query = both.order_by(both.selected_columns.value)
        else:
            part = taken if state == "taken" else free
            query = part.order_by(part.selected_columns.value)
        with self._engine.connect() as connection:
            self._type_row(connection, type_name, "typeName")
            rows = [
                {
                    "serialNumber": row[1],
                    "state": row[2],
                    "referenceSerialNumber": row[3],
                    "referencePartNumber": row[4],
                    "stationName": row[5],
                    "takenUtc": row[6],
                }
                for row in connection.execute(query)
            ]
        return write_serial_numbers(rows, format, type_name)

    def count(
        self,
        type_name: str,
        start_address: str | None = None,
        end_address: str | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
    ) -> int:
        """Taken numbers of a type, optionally between two serial numbers and/or two dates."""
        s = serial_numbers.c
        query = select(func.count()).where(s.type_name == type_name)
        with self._engine.connect() as connection:
            row = self._type_row(connection, type_name, "serialNumberType")
            for field, address, compare in (
                ("startAddress", start_address, s.value.__ge__),
                ("endAddress", end_address, s.value.__le__),
            ):
                if address is not None:
                    value = parse_serial(row.format, address)
                    if value is None:
                        raise Invalid(
                            f"{field}: {address!r} is not a number of the format {row.format!r}"
                        )
                    query = query.where(compare(value))
            if from_date is not None:
                query = query.where(s.taken_utc >= as_utc(from_date))
            if to_date is not None:
                query = query.where(s.taken_utc <= as_utc(to_date))
            return int(connection.scalar(query) or 0)

    def ranges(self, type_name: str | None = None) -> list[TakenRange]:
        """The runs of consecutive taken values, by type and value."""
        s, t = serial_numbers.c, serial_number_types.c
        # Within a run, value minus its rank is constant: one group per run, counted in SQL.
        rank = func.row_number().over(partition_by=s.type_name, order_by=s.value)
        numbered = select(s.type_name, s.value, (s.value - rank).label("run"))
        if type_name is not None:
            numbered = numbered.where(s.type_name == type_name)
        n = numbered.subquery()
        first = func.min(n.c.value)
        query = (
            select(n.c.type_name, t.format, first, func.max(n.c.value), func.count())
            .join(serial_number_types, t.name == n.c.type_name)
            .group_by(n.c.type_name, t.format, n.c.run)
            .order_by(n.c.type_name, first)
        )
        with self._engine.connect() as connection:
            if type_name is not None:
                self._type_row(connection, type_name, "serialNumberType")
            rows = connection.execute(query).all()
        return [
            TakenRange(
                name, low, high, render_serial(format, low), render_serial(format, high), count
            )
            for name, format, low, high, count in rows
        ]

    def statistics(self, type_name: str | None = None) -> list[SerialStatistics]:
        """Per type: its range, the counter's next value and how many are taken, free, left."""
        t = serial_number_types.c
        query = select(serial_number_types).order_by(t.name)
        with self._engine.connect() as connection:
            if type_name is not None:
                self._type_row(connection, type_name, "serialNumberType")
                query = query.where(t.name == type_name)
            result = []
            for row in connection.execute(query).all():
                numbers = stock(connection, row)
                taken = connection.scalar(
                    select(func.count()).where(serial_numbers.c.type_name == row.name)
                )
                result.append(
                    SerialStatistics(
                        type_name=row.name,
                        start=row.start_value,
                        end=row.end_value,
                        next_value=row.next_value,
                        taken=taken or 0,
                        free=numbers.pooled,
                        available=numbers.available,
                    )
                )
        return result

    def _type_row(self, connection: Connection, type_name: str, field: str) -> Any:
        row = connection.execute(
            select(serial_number_types).where(serial_number_types.c.name == type_name)
        ).one_or_none()
        if row is None:
            raise NotFound(f"{field}: serial-number type {type_name!r} not found")
        return row

    def _values(self, row: Any, records: Sequence[SerialRecord]) -> list[int]:
        """Each record's value on the type's counter; Invalid for a misfit or a repeat."""
        first_seen: dict[str, str] = {}
        values = []
        for record in records:
            serial = record.serial_number
            if serial in first_seen:
                raise Invalid(
                    f"{record.where}: serial number {serial!r} repeats {first_seen[serial]}; "
                    "nothing was imported"
                )
            first_seen[serial] = record.where
            value = parse_serial(row.format, serial)
            if value is None:
                raise Invalid(
                    f"{record.where}: serial number {serial!r} does not fit the format "
                    f"{row.format!r} of type {row.name!r}; nothing was imported"
                )
            values.append(value)
        return values

    def _refuse_known(
        self, connection: Connection, type_name: str, records: Sequence[SerialRecord]
    ) -> None:
        """Conflict naming the first record whose number the type already has."""
        known: dict[str, str] = {}
        serials = [record.serial_number for record in records]
        for table, state in ((serial_numbers, "taken"), (serial_number_pool, "free")):
            c = table.c
            for start in range(0, len(serials), _CHUNK):
                chunk = serials[start : start + _CHUNK]
                found = connection.scalars(
                    select(c.serial_number).where(
                        c.type_name == type_name, c.serial_number.in_(chunk)
                    )
                )
                known.update((serial, state) for serial in found)
        for record in records:
            if record.serial_number in known:
                raise Conflict(
                    f"{record.where}: serial number {record.serial_number!r} is already "
                    f"{known[record.serial_number]} in type {type_name!r}; nothing was imported"
                )


def _file_type(records: list[SerialRecord], given: str | None) -> str:
    """`given`, or else the one serial-number type the file's records name."""
    if given is not None:
        return given
    named = {record.fields["typeName"] for record in records if "typeName" in record.fields}
    if not named:
        raise Invalid(
            "typeName: the file names no serial-number type (a typeName column, or a typeName "
            "attribute on <SerialNumbers> or <SN>)"
        )
    if len(named) > 1:
        raise Invalid(f"typeName: the file names several types ({', '.join(sorted(named))})")
    return named.pop()
