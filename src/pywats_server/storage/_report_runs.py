"""The per-unit run numbers of a report header: `run` and `passedInRun` (rest-api §4.2).

A unit's runs at an operation are its reports of the same serial number, part number, process
code and report type, ordered by UTC start; reports starting at the same instant share a number.
Both columns are correlated subqueries, so a query should apply them to the rows it returns only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Label, func, select

from .report_tables import reports

__all__ = ["run_columns"]


def _same_unit(other: Any) -> list[ColumnElement[bool]]:
    c = reports.c
    return [
        other.c.serial_number == c.serial_number,
        other.c.part_number == c.part_number,
        other.c.process_code == c.process_code,
        other.c.report_type == c.report_type,
    ]


def _runs_up_to(moment: Any) -> Any:
    """The number of the unit's runs starting at or before `moment` (0 when it is NULL)."""
    earlier = reports.alias("earlier")
    return (
        select(func.count()).where(*_same_unit(earlier), earlier.c.start_utc <= moment)
    ).scalar_subquery()


def run_columns() -> tuple[Label[Any], Label[Any]]:
    """`run`: this report's run number (1 = first). `passedInRun`: the run number of the unit's
    first passed report at the operation, whichever report is shown; NULL when none passed."""
    run = _runs_up_to(reports.c.start_utc).label("run")
    passed = reports.alias("passed")
    first_pass = (
        select(func.min(passed.c.start_utc))
        .where(*_same_unit(passed), passed.c.result == "P")
        # Nested two levels deep, so auto-correlation would not reach the outer `reports`.
        .correlate(reports)
        .scalar_subquery()
    )
    # No pass means a NULL moment, which counts no runs; 0 is reported as NULL, not as a run.
    passed_in_run = func.nullif(_runs_up_to(first_pass), 0).label("passed_in_run")
    return run, passed_in_run
