"""Measurement analytics: raw numeric values for given paths, and their statistics.

Statistics are computed in SQL in two passes (the mean per group, then the sum of squared
deviations from it), which keeps the variance exact where a one-pass sum of squares would lose
precision for values far from zero. Limits are reported when every measurement of the group had
the same ones; capability then follows (see `_capability`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select
from sqlalchemy.sql import FromClause

from ..storage import PATH_SEPARATOR
from ..storage.report_tables import (
    SHAPE_MEASUREMENT,
    report_measurements,
    report_shape_paths,
    reports,
)
from ._capability import capability, spec_limits
from ._filter import AnalyticsError, WatsFilter
from ._match import match_text
from ._runs import report_scope
from ._yield import iso_utc

__all__ = ["aggregated_measurements", "measurements", "numeric_statistics"]

_DEFAULT_MAX = 10_000
_RESULT_WORDS = {"P": "Passed", "F": "Failed", "E": "Error", "T": "Terminated", "D": "Done"}


def _paths(f: WatsFilter, paths: str | None) -> ColumnElement[bool]:
    """The condition on `report_shape_paths` matching the requested measurement paths."""
    text = paths if paths is not None else f.measurement_paths
    if not text:
        raise AnalyticsError("measurementPaths: expected one or more ¶-separated step paths")
    return match_text(report_shape_paths.c.path, text)


def _measured(paths: ColumnElement[bool] | None) -> FromClause:
    """The measurement rows joined to their reports; with `paths` (a condition on the shape
    paths) only those of matching paths, found through the reports' shapes and read by key."""
    m, r = report_measurements.c, reports.c
    if paths is None:
        return report_measurements.join(reports, r.report_pk == m.report_pk)
    sp = report_shape_paths.c
    return reports.join(
        report_shape_paths,
        and_(sp.shape_pk == r.shape_pk, sp.kind == SHAPE_MEASUREMENT, paths),
    ).join(report_measurements, and_(m.report_pk == r.report_pk, m.meas_index == sp.position))


def _unique(low: Any, high: Any) -> Any:
    return low if low == high else None


def numeric_statistics(
    connection: Connection,
    scope: Sequence[ColumnElement[bool]],
    *,
    by_product: bool = False,
    paths: ColumnElement[bool] | None = None,
) -> list[dict[str, Any]]:
    """Per numeric measurement path (and part number/revision with `by_product`) among the
    reports `scope` selects (of the paths the condition `paths` on `report_shape_paths`
    matches, if given): count, min, max, avg, var, stdev, the common limits and unit, and
    capability. Rows carry `stepPath` (the path without the measurement name)."""
    m, r = report_measurements.c, reports.c
    groups: list[ColumnElement[Any]] = [m.path]
    if by_product:
        groups += [r.part_number, r.revision]
    source = _measured(paths)
    where = [m.kind == "N", m.value.is_not(None), *scope]
    means = (
        select(*groups, func.avg(m.value).label("mean"))
        .select_from(source)
        .where(*where)
        .group_by(*groups)
        .subquery("means")
    )
    same_group = and_(*(means.c[g.name] == g for g in groups))
    deviation = m.value - means.c.mean
    query = (
        select(
            *groups,
            means.c.mean,
            func.count().label("n"),
            func.min(m.value).label("min"),
            func.max(m.value).label("max"),
            func.sum(deviation * deviation).label("squares"),
            func.min(m.low_limit).label("low_min"),
            func.max(m.low_limit).label("low_max"),
            func.min(m.high_limit).label("high_min"),
            func.max(m.high_limit).label("high_max"),
            func.min(m.comp_op).label("op_min"),
            func.max(m.comp_op).label("op_max"),
            func.max(m.unit).label("unit"),
            func.max(m.name).label("name"),
        )
        .select_from(source.join(means, same_group))
        .where(*where)
        .group_by(*groups, means.c.mean)
        .order_by(*groups)
    )
    rows = []
    for record in connection.execute(query).mappings():
        n, mean = int(record["n"]), float(record["mean"])
        var = float(record["squares"]) / (n - 1) if n > 1 else None
        stdev = math.sqrt(max(var, 0.0)) if var is not None else None
        low = _unique(record["low_min"], record["low_max"])
        high = _unique(record["high_min"], record["high_max"])
        op = _unique(record["op_min"], record["op_max"])
        path = str(record["path"])
        row = {
            "stepPath": path.split(PATH_SEPARATOR * 2)[0],
            "measurePath": path,
            "measureName": record["name"],
            "measureCount": n,
            "min": record["min"],
            "max": record["max"],
            "avg": mean,
            "stdev": stdev,
            "var": var,
            "limit1": low,
            "limit2": high,
            "compOperator": op,
            "unit": record["unit"],
            **capability(mean, stdev, *spec_limits(op, low, high)),
        }
        if by_product:
            row.update(partNumber=record["part_number"], revision=record["revision"])
        rows.append(row)
    return rows


def measurements(
    connection: Connection, f: WatsFilter, paths: str | None, now: datetime
) -> list[dict[str, Any]]:
    """MeasurementData rows for the measurement paths (wildcards allowed) in the matching UUT
    reports, newest first, at most `maxCount` (10000)."""
    m, r = report_measurements.c, reports.c
    cap = f.max_count if f.max_count is not None else f.top_count
    query = (
        select(
            r.serial_number,
            r.part_number,
            r.revision,
            r.report_id,
            r.start_utc,
            r.station_name,
            m.name,
            m.path,
            m.value,
            m.text_value,
            m.low_limit,
            m.high_limit,
            m.comp_op,
            m.unit,
            m.status,
        )
        .select_from(_measured(_paths(f, paths)))
        .where(*report_scope(f, reports, now))
        .order_by(r.start_utc.desc(), r.report_pk.desc(), m.meas_index)
        .limit(_DEFAULT_MAX if cap is None else cap)
    )
    rows = []
    for record in connection.execute(query).mappings():
        path = str(record["path"])
        rows.append(
            {
                "serialNumber": record["serial_number"],
                "partNumber": record["part_number"],
                "revision": record["revision"],
                "reportId": record["report_id"],
                "stepName": path.split(PATH_SEPARATOR * 2)[0].split(PATH_SEPARATOR)[-1],
                "stepPath": path,
                "measureName": record["name"],
                "value": record["value"],
                "stringValue": record["text_value"],
                "limitLow": record["low_limit"],
                "limitHigh": record["high_limit"],
                "compOperator": record["comp_op"],
                "unit": record["unit"],
                "status": _RESULT_WORDS.get(record["status"], record["status"]),
                "startUtc": iso_utc(record["start_utc"]),
                "stationName": record["station_name"],
            }
        )
    return rows


def aggregated_measurements(
    connection: Connection, f: WatsFilter, paths: str | None, now: datetime
) -> list[dict[str, Any]]:
    """AggregatedMeasurement rows: statistics per measurement path and product revision."""
    scope = report_scope(f, reports, now)
    rows = []
    for stats in numeric_statistics(connection, scope, by_product=True, paths=_paths(f, paths)):
        step_path = stats["stepPath"]
        rows.append(
            {
                "stepName": step_path.split(PATH_SEPARATOR)[-1],
                "stepPath": stats["measurePath"],
                "measureName": stats["measureName"],
                "partNumber": stats["partNumber"],
                "revision": stats["revision"],
                "count": stats["measureCount"],
                "limitLow": stats["limit1"],
                "limitHigh": stats["limit2"],
                **{
                    key: stats[key]
                    for key in ("min", "max", "avg", "stdev", "var", "unit", "compOperator")
                },
                **{key: stats[key] for key in ("cp", "cpk", "cpLower", "cpUpper")},
            }
        )
    return rows
