"""OEE (overall equipment effectiveness) of the test stations, from the UUT reports a filter
selects: availability x performance x quality, each a percentage.

Reports carry run times and results but no shift plans, so the planned production time is the
filter's date range when it has both ends, else the span from the first start to the last
(at least the run time); the ideal cycle time is the fastest passing run. docs/analytics.md,
"OEE", gives the reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, select

from ..storage.report_tables import reports
from ._filter import WatsFilter
from ._periods import date_range
from ._runs import report_scope

__all__ = ["oee_analysis"]


def _percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 4) if whole > 0 else None


def oee_analysis(connection: Connection, f: WatsFilter, now: datetime) -> dict[str, Any]:
    """One OeeAnalysisResult for the selected UUT reports; times in minutes, counts in reports.

    Rates are None when there is nothing to divide by (no reports, no run time)."""
    c = reports.c
    passed = c.result == "P"
    row = connection.execute(
        select(
            func.count().label("total"),
            func.coalesce(func.sum(case((passed, 1), else_=0)), 0).label("good"),
            func.coalesce(func.sum(c.execution_time), 0.0).label("run_seconds"),
            func.min(case((passed & (c.execution_time > 0), c.execution_time))).label("ideal"),
            func.min(c.start_utc).label("first"),
            func.max(c.start_utc).label("last"),
        ).where(*report_scope(f, reports, now, "T"))
    ).one()
    total, good = int(row.total), int(row.good)
    run_minutes = float(row.run_seconds) / 60
    start, end = date_range(f, now)
    if start is not None and end is not None:
        planned = (end - start).total_seconds() / 60
    elif row.first is not None:
        # The last report's own run is part of the span: never plan less than was run.
        planned = max((row.last - row.first).total_seconds() / 60, run_minutes)
    else:
        planned = 0.0
    ideal = float(row.ideal) / 60 if row.ideal is not None else None
    availability = _percent(run_minutes, planned)
    performance = _percent(ideal * total, run_minutes) if ideal is not None else None
    quality = _percent(good, total)
    oee = None
    if availability is not None and performance is not None and quality is not None:
        oee = availability * performance * quality / 10_000
    return {
        "oee": None if oee is None else round(oee, 4),
        "availability": availability,
        "performance": performance,
        "quality": quality,
        "totalTime": planned,
        "plannedProductionTime": planned,
        "runTime": run_minutes,
        "downTime": max(planned - run_minutes, 0.0),
        "totalCount": total,
        "goodCount": good,
        "rejectCount": total - good,
        "idealCycleTime": ideal,
        "actualCycleTime": run_minutes / total if total else None,
        "period": None,
        "partNumber": f.part_number,
        "stationName": f.station_name,
    }
