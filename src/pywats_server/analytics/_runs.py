"""Run numbers: the n-th test of a unit at an operation, computed in SQL with window functions.

A unit at an operation is the key (serial number, part number, process code) over UUT reports;
its reports ordered by start time (then storage order) are runs 1, 2, 3, ... and the last one
is its last run. Numbering always covers the unit's whole history, whatever else is filtered.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CTE, ColumnElement, case, func, select
from sqlalchemy.sql import FromClause

from ..storage._report_units import unit_outcomes as stored_unit_outcomes
from ..storage.report_tables import report_units, reports
from ._filter import WatsFilter, report_conditions
from ._match import match_text
from ._periods import date_range

__all__ = [
    "numbered_runs",
    "report_scope",
    "run_condition",
    "unit_key_conditions",
    "unit_outcomes",
]


def unit_key_conditions(f: WatsFilter, report: FromClause) -> list[ColumnElement[bool]]:
    """The filter keys that are the same for every run of a unit (serial number, part number,
    operation), which may therefore narrow the runs before they are numbered."""
    c = report.c
    conditions = []
    for value, column in (
        (f.serial_number, c.serial_number),
        (f.part_number, c.part_number),
        (f.test_operation, c.process_name),
    ):
        if value is not None:
            conditions.append(match_text(column, value))
    return conditions


def numbered_runs(f: WatsFilter) -> CTE:
    """CTE `runs`: every UUT report of the units the filter can concern, with `run` (1-based)
    and `last` (1 for the unit's last run at that operation, else 0)."""
    r = reports.c
    unit = (r.serial_number, r.part_number, r.process_code)
    order = (r.start_utc, r.report_pk)
    # lead() shares row_number()'s window, so one ordered pass (the unit-runs index) serves both.
    following = func.lead(r.report_pk).over(partition_by=unit, order_by=order)
    return (
        select(
            r.report_pk,
            r.serial_number,
            r.part_number,
            r.process_code,
            r.start_utc,
            r.result,
            func.row_number().over(partition_by=unit, order_by=order).label("run"),
            case((following.is_(None), 1), else_=0).label("last"),
        )
        .where(r.report_type == "T", *unit_key_conditions(f, reports))
        .cte("runs")
    )


def run_condition(f: WatsFilter, runs: CTE) -> ColumnElement[bool] | None:
    """The condition `run` of the filter puts on a `numbered_runs` row; None for all runs."""
    if f.run is None or f.run == -2:
        return None
    if f.run == -1:
        return runs.c.last == 1
    return runs.c.run == f.run


def unit_outcomes(f: WatsFilter) -> CTE:
    """CTE `units`: one row per unit at an operation with the pk of its first run (`first_pk`),
    whether it passed by run 1/2/3 (`fp`, `sp`, `tp`, 0 or 1), whether its last run passed
    (`lp`), its report count (`reports`), passed reports (`passed`) and last start (`last_utc`).

    Read from `report_units`, kept at ingest; a filter on the operation name (a column of the
    reports, not of the unit key) computes the outcomes from the matching reports instead."""
    if f.test_operation is not None:
        return stored_unit_outcomes(*unit_key_conditions(f, reports)).cte("units")
    u = report_units.c
    conditions = []
    for value, column in ((f.serial_number, u.serial_number), (f.part_number, u.part_number)):
        if value is not None:
            conditions.append(match_text(column, value))
    return select(report_units).where(*conditions).cte("units")


def report_scope(
    f: WatsFilter, report: FromClause, now: datetime, report_type: str | None = "T"
) -> list[ColumnElement[bool]]:
    """Conditions selecting the reports of `report_type` (T = UUT, R = UUR, None = both) the
    filter matches, with its date range resolved at `now` and its `run` choice (UUT only)."""
    c = report.c
    conditions = report_conditions(f, report, dates=date_range(f, now))
    if report_type is not None:
        conditions.append(c.report_type == report_type)
    if report_type == "T":
        runs = numbered_runs(f)
        chosen = run_condition(f, runs)
        if chosen is not None:
            conditions.append(c.report_pk.in_(select(runs.c.report_pk).where(chosen)))
    return conditions
