"""Per-unit outcomes (`report_units`), recomputed for the units a save touches.

A unit at an operation is (serial number, part number, process code) over UUT reports; its
reports ordered by start time (then storage order) are runs 1, 2, 3, ... A save deletes the
rows of every unit it adds a report to or takes one from and recomputes them from those units'
reports in the same transaction, so the table always equals `unit_outcomes()` over all units.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Connection,
    Delete,
    Insert,
    Select,
    and_,
    case,
    delete,
    func,
    select,
)

from ._prepared import Prepared, chunks, equals_one_of, numbered_keys
from .report_tables import report_units, reports

__all__ = ["UnitKey", "rebuild_units", "refresh_units", "unit_outcomes"]

UnitKey = tuple[str, str, int]  # serial number, part number, process code

_COLUMNS = (
    "serial_number", "part_number", "process_code", "first_pk", "first_utc", "fp", "sp", "tp", "lp",
    "reports", "passed", "last_utc",
)  # fmt: skip


def unit_outcomes(*conditions: ColumnElement[bool]) -> Select[tuple[object, ...]]:
    """Per unit of the UUT reports matching `conditions` (on `reports`; they must hold for all
    of a unit's reports or none): the `report_units` columns, computed from its runs."""
    r = reports.c
    unit = (r.serial_number, r.part_number, r.process_code)
    order = (r.start_utc, r.report_pk)
    # lead() shares row_number()'s window, so one ordered pass (the unit-runs index) serves both.
    following = func.lead(r.report_pk).over(partition_by=unit, order_by=order)
    runs = (
        select(
            *unit,
            r.report_pk,
            r.start_utc,
            r.result,
            func.row_number().over(partition_by=unit, order_by=order).label("run"),
            case((following.is_(None), 1), else_=0).label("last"),
        )
        .where(r.report_type == "T", *conditions)
        .subquery("runs")
    )
    c = runs.c

    def passed_by(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.max(case((and_(condition, c.result == "P"), 1), else_=0))

    return select(
        c.serial_number,
        c.part_number,
        c.process_code,
        func.max(case((c.run == 1, c.report_pk))).label("first_pk"),
        func.min(c.start_utc).label("first_utc"),
        passed_by(c.run == 1).label("fp"),
        passed_by(c.run <= 2).label("sp"),
        passed_by(c.run <= 3).label("tp"),
        passed_by(c.last == 1).label("lp"),
        func.count().label("reports"),
        func.sum(case((c.result == "P", 1), else_=0)).label("passed"),
        func.max(c.start_utc).label("last_utc"),
    ).group_by(c.serial_number, c.part_number, c.process_code)


_KEY_FIELDS = ("serial", "part", "code")


def _delete(size: int) -> Delete:
    u = report_units.c
    return delete(report_units).where(
        equals_one_of((u.serial_number, u.part_number, u.process_code), _KEY_FIELDS, size)
    )


def _insert(size: int) -> Insert:
    r = reports.c
    unit = (r.serial_number, r.part_number, r.process_code)
    condition = equals_one_of(unit, _KEY_FIELDS, size)
    return report_units.insert().from_select(_COLUMNS, unit_outcomes(condition))


# Built once per number of keys (an OR of key equalities, see `equals_one_of`): constructing
# the windowed SELECT costs more than running it.
_DELETE = Prepared(_delete)
_INSERT = Prepared(_insert)


def refresh_units(connection: Connection, keys: Iterable[UnitKey]) -> None:
    """Recompute the `report_units` rows of `keys` from their reports (none: row removed)."""
    for chunk in chunks(sorted(set(keys))):
        values = numbered_keys(_KEY_FIELDS, chunk)
        _DELETE.run(connection, values, len(chunk))
        _INSERT.run(connection, values, len(chunk))


def rebuild_units(connection: Connection) -> None:
    """Recompute every `report_units` row (after loading reports around `ReportStore`)."""
    connection.execute(delete(report_units))
    connection.execute(report_units.insert().from_select(_COLUMNS, unit_outcomes()))
