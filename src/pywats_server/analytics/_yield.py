"""Dynamic yield: unit counts and first/second/third/last-pass yield by any dimensions.

A unit (serial number, part number, operation) counts once, in the group of its first run: the
filter and every dimension (period included) are read from that run's report. Its outcomes
come from all its runs (see `_runs`). The SQL returns per group and UTC day the sums of unit
outcomes; days are folded into the requested period here and the KPIs derived from the sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select
from sqlalchemy.sql import FromClause

from ..storage.report_tables import report_misc_infos, reports
from ._assets import join_assets
from ._dimensions import SortKey, parse_dimensions, sort_rows
from ._filter import WatsFilter, report_conditions
from ._periods import Grouping, bucket, date_range, grouping, period_label
from ._products import join_products
from ._runs import unit_outcomes

__all__ = ["YIELD_DIMENSIONS", "YIELD_KPIS", "dynamic_yield", "iso_utc"]

YIELD_DIMENSIONS = (
    "partNumber",
    "productName",
    "productGroup",
    "revision",
    "stationName",
    "location",
    "purpose",
    "testOperation",
    "processCode",
    "period",
    "swFilename",
    "swVersion",
    "batchNumber",
    "operator",
    "fixtureId",
    "socketIndex",
    "errorCode",
    "stepCausedUutFailure",
    "stepPathCausedUutFailure",
    "miscInfoDescription",
    "miscInfoString",
    "assetSerialNumber",
    "assetName",
)
YIELD_KPIS = (
    "unitCount",
    "fpCount",
    "spCount",
    "tpCount",
    "lpCount",
    "fpFailCount",
    "spFailCount",
    "tpFailCount",
    "lpFailCount",
    "fpy",
    "spy",
    "tpy",
    "lpy",
    "ppmFpy",
    "ppmSpy",
    "ppmTpy",
    "ppmLpy",
    "ppmTestYield",
    "testYieldCount",
    "testReportCount",
    "testYield",
    "retestCount",
    "firstUtc",
    "lastUtc",
)
_MISC_DIMENSIONS = frozenset(("miscInfoDescription", "miscInfoString"))
_SUMS = ("unitCount", "fp", "sp", "tp", "lp", "reports", "passed")


def _columns(report: FromClause, misc: FromClause) -> dict[str, ColumnElement[Any]]:
    c = report.c
    return {
        "partNumber": c.part_number,
        "revision": c.revision,
        "stationName": c.station_name,
        "location": c.location,
        "purpose": c.purpose,
        "testOperation": c.process_name,
        "processCode": c.process_code,
        "swFilename": c.sw_filename,
        "swVersion": c.sw_version,
        "batchNumber": c.batch_number,
        "operator": c.operator,
        "fixtureId": c.fixture_id,
        "socketIndex": c.test_socket_index,
        "errorCode": c.error_code,
        "stepCausedUutFailure": c.caused_uut_failure,
        "stepPathCausedUutFailure": c.caused_uut_failure_path,
        "miscInfoDescription": misc.c.description,
        "miscInfoString": misc.c.text,
    }


def iso_utc(value: datetime | None) -> str | None:
    """A naive UTC date-time as ISO 8601 with `Z`."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def _rate(count: int, total: int) -> float | None:
    return None if total == 0 else 100.0 * count / total


def _ppm(count: int, total: int) -> float | None:
    return None if total == 0 else 1e6 * (total - count) / total


def _kpis(sums: dict[str, Any]) -> dict[str, Any]:
    units, reports_count, passed = sums["unitCount"], sums["reports"], sums["passed"]
    row: dict[str, Any] = {"unitCount": units}
    for short in ("fp", "sp", "tp", "lp"):
        count = sums[short]
        row[f"{short}Count"] = count
        row[f"{short}FailCount"] = units - count
        row[f"{short}y"] = _rate(count, units)
        row[f"ppm{short.capitalize()}y"] = _ppm(count, units)
    row.update(
        testYieldCount=passed,
        testReportCount=reports_count,
        testYield=_rate(passed, reports_count),
        ppmTestYield=_ppm(passed, reports_count),
        retestCount=reports_count - units,
        firstUtc=iso_utc(sums["firstUtc"]),
        lastUtc=iso_utc(sums["lastUtc"]),
    )
    return row


def dynamic_yield(
    connection: Connection,
    f: WatsFilter,
    dimensions: str | None,
    now: datetime,
    *,
    default_sort: Sequence[SortKey] = (),
) -> list[dict[str, Any]]:
    """YieldData rows for the filter grouped by `dimensions`, sorted by its `asc`/`desc` items,
    then `default_sort`, then its other items in order; capped by `topCount`/`maxCount`; only
    rows with `unitCount >= minCount` and, when `yield` is set, first-pass yield at or below it.
    """
    groups, explicit, implicit = parse_dimensions(dimensions, YIELD_DIMENSIONS, YIELD_KPIS)
    unit = grouping(f, default=Grouping.MONTH) if "period" in groups else None
    units = unit_outcomes(f)
    u = units.c
    first = reports.alias("first")
    misc = report_misc_infos.alias("misc")
    # The unit's key, its first start and its first report's pk are on the unit row; only the
    # other report columns (as dimensions or filter keys) need its first report.
    columns = _columns(first, misc)
    from_first = set(columns) - {"partNumber", "processCode", *_MISC_DIMENSIONS}
    columns.update(partNumber=u.part_number, processCode=u.process_code)
    keyed = f.model_copy(update=dict.fromkeys(("serialNumber", "partNumber", "testOperation")))
    conditions = report_conditions(keyed, first, dates=(None, None))
    source: FromClause = units
    if conditions or from_first & set(groups):
        source = source.join(first, first.c.report_pk == u.first_pk)
    if _MISC_DIMENSIONS & set(groups):
        source = source.outerjoin(misc, misc.c.report_pk == u.first_pk)
    source, product_columns = join_products(source, u.part_number, groups)
    columns.update(product_columns)
    source, asset_columns = join_assets(source, u.first_pk, groups)
    columns.update(asset_columns)
    selected = [columns[name].label(name) for name in groups if name != "period"]
    if unit is not None:
        selected.append(bucket(u.first_utc, unit).label("period"))
    start, end = date_range(f, now)
    if start is not None:
        conditions.append(u.first_utc >= start)
    if end is not None:
        conditions.append(u.first_utc <= end)
    query = (
        select(
            *selected,
            func.count().label("unitCount"),
            *(func.sum(u[name]).label(name) for name in _SUMS[1:]),
            func.min(u.first_utc).label("firstUtc"),
            func.max(u.last_utc).label("lastUtc"),
        )
        .select_from(source)
        .where(*conditions)
        .group_by(*selected)
    )
    folded: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in connection.execute(query).mappings():
        if not record["unitCount"]:
            continue  # the one row an ungrouped aggregate returns when nothing matched
        values = {name: record[name] for name in groups}
        if unit is not None:
            values["period"] = period_label(record["period"], unit)
        key = tuple(values[name] for name in groups)
        into = folded.setdefault(key, {**values, **dict.fromkeys(_SUMS, 0)})
        for name in _SUMS:
            into[name] += int(record[name] or 0)
        into["firstUtc"] = min(filter(None, (into.get("firstUtc"), record["firstUtc"])))
        into["lastUtc"] = max(filter(None, (into.get("lastUtc"), record["lastUtc"])))
    rows = [{**{n: s[n] for n in groups}, **_kpis(s)} for s in folded.values()]
    rows = [row for row in rows if row["unitCount"] >= (f.min_count or 0)]
    if f.yield_ is not None:
        rows = [row for row in rows if row["fpy"] is not None and row["fpy"] <= f.yield_]
    rows = sort_rows(rows, [*explicit, *default_sort, *implicit])
    cap = f.top_count if f.top_count is not None else f.max_count
    return rows if cap is None else rows[:cap]
