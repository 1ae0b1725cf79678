"""Read views of one production unit for the WATS web application's internal endpoints (unit
info, phase, process, phase history, contents, lookup by serial number alone) and the release
of taken serial numbers (`SerialNumbers/Free`).

Shapes follow the public Unit where one exists; docs/domains.md lists what was inferred.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from ._database import Database
from ._domain import Invalid, NotFound, as_utc
from .processes import ProcessStore
from .report_tables import reports
from .serial_numbers import (
    TakenSerial,
    parse_serial,
    serial_number_pool,
    serial_number_types,
    serial_numbers,
    taken_serial,
)
from .units import Unit, UnitPhase, UnitStore, unit_changes, unit_phases, units

__all__ = ["LastReport", "StateChange", "UnitDetails", "UnitInfo", "UnitProcess"]

_WORDS = {"P": "Passed", "F": "Failed", "E": "Error", "T": "Terminated"}


@dataclass(frozen=True, slots=True)
class UnitProcess:
    """A unit's current process (None when none is set)."""

    serial_number: str
    part_number: str
    process_code: int | None
    process_name: str | None


@dataclass(frozen=True, slots=True)
class StateChange:
    """A recorded phase change of a unit."""

    change_id: int
    changed_utc: datetime
    unit_phase_id: int
    unit_phase: str
    comment: str | None


@dataclass(frozen=True, slots=True)
class LastReport:
    report_id: str
    report_type: str
    process_code: int
    process_name: str | None
    result: str
    start_utc: datetime


@dataclass(frozen=True, slots=True)
class UnitInfo(Unit):
    """A unit with how many reports it has and the latest of them."""

    report_count: int
    last_report: LastReport | None


class UnitDetails:
    """Unit read views and serial-number release; NotFound for an unknown unit or type."""

    def __init__(self, database: Database, units_store: UnitStore, processes: ProcessStore):
        self._engine = database.engine
        self._units = units_store
        self._processes = processes

    def _row(self, connection: Connection, serial_number: str, part_number: str) -> Any:
        row = connection.execute(
            select(units, unit_phases.c.code, unit_phases.c.name, unit_phases.c.description)
            .join(unit_phases, unit_phases.c.phase_id == units.c.phase_id)
            .where(units.c.serial_number == serial_number, units.c.part_number == part_number)
        ).one_or_none()
        if row is None:
            raise NotFound(f"unit {serial_number!r} of product {part_number!r} not found")
        return row

    def find(self, serial_number: str, part_number: str | None) -> Unit:
        """The unit with this serial number (of `part_number` when given); Invalid when the
        serial number is used by several products and no part number says which."""
        if part_number is not None:
            return self._units.get(serial_number, part_number)
        with self._engine.connect() as connection:
            products = connection.scalars(
                select(units.c.part_number).where(units.c.serial_number == serial_number).limit(2)
            ).all()
        if not products:
            raise NotFound(f"unit {serial_number!r} not found")
        if len(products) > 1:
            raise Invalid(
                f"partNumber: serial number {serial_number!r} is used by several products; "
                "give the part number"
            )
        return self._units.get(serial_number, products[0])

    def phase(self, serial_number: str, part_number: str) -> UnitPhase:
        """The unit's phase."""
        with self._engine.connect() as connection:
            row = self._row(connection, serial_number, part_number)
        return UnitPhase(row.phase_id, row.code, row.name, row.description)

    def process(self, serial_number: str, part_number: str) -> UnitProcess:
        """The unit's current process (`processCode` null when none is set)."""
        with self._engine.connect() as connection:
            code = self._row(connection, serial_number, part_number).process_code
        names = {p.code: p.name for p in self._processes.all()} if code is not None else {}
        name = names.get(code) if code is not None else None
        return UnitProcess(serial_number, part_number, code, name)

    def state_history(self, serial_number: str, part_number: str) -> list[StateChange]:
        """Every recorded phase change of the unit, oldest first."""
        c = unit_changes.c
        with self._engine.connect() as connection:
            pk = self._row(connection, serial_number, part_number).unit_pk
            rows = connection.execute(
                select(
                    c.change_id, c.changed_utc, c.new_unit_phase_id, c.comment, unit_phases.c.name
                )
                .join(unit_phases, unit_phases.c.phase_id == c.new_unit_phase_id)
                .where(c.unit_pk == pk)
                .order_by(c.change_id)
            ).all()
        return [
            StateChange(
                row.change_id, row.changed_utc, row.new_unit_phase_id, row.name, row.comment
            )
            for row in rows
        ]

    def info(self, serial_number: str, part_number: str) -> UnitInfo:
        """The unit (its direct sub-units included) with its report count and last report."""
        unit = self._units.get(serial_number, part_number)
        r = reports.c
        mine = and_(r.serial_number == serial_number, r.part_number == part_number)
        with self._engine.connect() as connection:
            count = connection.scalar(select(func.count()).where(mine))
            last = connection.execute(
                select(r.report_id, r.report_type, r.process_code, r.process_name, r.result)
                .add_columns(r.start_utc)
                .where(mine)
                .order_by(r.start_utc.desc(), r.report_pk.desc())
                .limit(1)
            ).one_or_none()
        latest = None
        if last is not None:
            latest = LastReport(
                report_id=last.report_id,
                report_type="UUT" if last.report_type == "T" else "UUR",
                process_code=last.process_code,
                process_name=last.process_name,
                result=_WORDS.get(last.result, last.result),
                start_utc=last.start_utc,
            )
        own = {f.name: getattr(unit, f.name) for f in dataclasses.fields(Unit)}
        return UnitInfo(**own, report_count=int(count or 0), last_report=latest)

    def contents(self, serial_number: str, part_number: str, revision: str | None) -> list[Unit]:
        """The unit's direct sub-units; Invalid when `revision` is not the unit's revision."""
        unit = self._units.get(serial_number, part_number)
        if revision is not None and revision != unit.revision:
            raise Invalid(
                f"revision: unit {serial_number!r} is revision {unit.revision!r}, not {revision!r}"
            )
        return unit.sub_units

    def remove_all_children(self, serial_number: str, part_number: str) -> int:
        """Take every sub-unit out of the unit; how many there were."""
        children = self._units.get(serial_number, part_number).sub_units
        for child in children:
            self._units.remove_child(
                (serial_number, part_number), (child.serial_number, child.part_number)
            )
        return len(children)

    def taken_between(
        self,
        type_name: str,
        start_address: str,
        end_address: str,
        start_date: datetime | None,
        end_date: datetime | None,
    ) -> list[TakenSerial]:
        """Numbers of a type taken between two serial numbers (and dates), by value."""
        low, high = self._bounds(type_name, start_address, end_address)
        s = serial_numbers.c
        query = select(serial_numbers).where(s.type_name == type_name, s.value.between(low, high))
        if start_date is not None:
            query = query.where(s.taken_utc >= as_utc(start_date))
        if end_date is not None:
            query = query.where(s.taken_utc <= as_utc(end_date))
        with self._engine.connect() as connection:
            return [taken_serial(row) for row in connection.execute(query.order_by(s.value))]

    def _bounds(self, type_name: str, start: str, end: str) -> tuple[int, int]:
        with self._engine.connect() as connection:
            fmt = connection.scalar(
                select(serial_number_types.c.format).where(serial_number_types.c.name == type_name)
            )
        if fmt is None:
            raise NotFound(f"serialNumberType: no serial-number type {type_name!r}")
        values = []
        for field, address in (("startAddress", start), ("endAddress", end)):
            value = parse_serial(fmt, address)
            if value is None:
                raise Invalid(f"{field}: {address!r} is not a number of the format {fmt!r}")
            values.append(value)
        return values[0], values[1]

    def free(self, ranges: Sequence[Mapping[str, str]]) -> int:
        """Release the taken numbers in `ranges` to the pool (issued again first); how many."""
        released = 0
        for index, item in enumerate(ranges):
            type_name, low, high = self._range(index, item)
            s = serial_numbers.c
            with self._engine.begin() as connection:
                rows = connection.execute(
                    select(s.serial_number, s.value).where(
                        s.type_name == type_name, s.value.between(low, high)
                    )
                ).all()
                if rows:
                    connection.execute(
                        serial_number_pool.insert(),
                        [
                            {"type_name": type_name, "serial_number": sn, "value": value}
                            for sn, value in rows
                        ],
                    )
                    connection.execute(
                        serial_numbers.delete().where(
                            s.type_name == type_name, s.value.between(low, high)
                        )
                    )
            released += len(rows)
        return released

    def delete_free(self, ranges: Sequence[Mapping[str, str]]) -> int:
        """Remove the free (pooled) numbers in `ranges` so they are not issued; how many."""
        removed = 0
        for index, item in enumerate(ranges):
            type_name, low, high = self._range(index, item)
            p = serial_number_pool.c
            with self._engine.begin() as connection:
                result = connection.execute(
                    serial_number_pool.delete().where(
                        p.type_name == type_name, p.value.between(low, high)
                    )
                )
            removed += result.rowcount
        return removed

    def _range(self, index: int, item: Mapping[str, str]) -> tuple[str, int, int]:
        missing = [
            key
            for key in ("serialNumberType", "startAddress", "endAddress")
            if not isinstance(item.get(key), str) or not item.get(key)
        ]
        if missing:
            raise Invalid(f"body[{index}].{missing[0]}: expected a non-empty string")
        low, high = self._bounds(item["serialNumberType"], item["startAddress"], item["endAddress"])
        return item["serialNumberType"], low, high
