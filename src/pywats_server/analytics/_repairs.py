"""Repair analytics over UUR reports and their failures: dynamic repair statistics and the
repair history of a product.

A repair is one failure row of a UUR (category/code on a repaired unit); the tested report a
UUR refers to (`uur.refUUT`) supplies the `test…` dimensions and the referenced step's name and
path (`refStepId` is a step id in that report).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select
from sqlalchemy.sql import FromClause

from ..storage.report_tables import report_failures, report_steps, reports
from ._assets import join_assets
from ._dimensions import parse_dimensions, sort_rows
from ._filter import WatsFilter
from ._periods import Grouping, bucket, grouping, period_label
from ._products import join_products
from ._runs import report_scope
from ._yield import YIELD_DIMENSIONS, iso_utc

__all__ = ["REPAIR_DIMENSIONS", "REPAIR_KPIS", "dynamic_repair", "repair_history"]

REPAIR_DIMENSIONS = (
    *(d for d in YIELD_DIMENSIONS if not d.startswith("miscInfo")),
    "repairOperation",
    "repairCode",
    "repairCategory",
    "componentRef",
    "componentNumber",
    "functionBlock",
    "referencedStep",
    "referencedStepPath",
    "testPeriod",
    "testStationName",
    "testLocation",
    "testPurpose",
    "testOperator",
)
REPAIR_KPIS = ("repairReportCount", "repairCount", "totalCount", "repairRate")
_PERIODS = ("period", "testPeriod")


class _Sources:
    """The joined tables of a repair query: UUR, its failures, the tested report, its step."""

    def __init__(self) -> None:
        self.uur = reports.alias("uur")
        self.tested = reports.alias("tested")
        self.failure = report_failures.alias("failure")
        self.step = report_steps.alias("step")
        self.joined: FromClause = (
            self.uur.outerjoin(self.failure, self.failure.c.report_pk == self.uur.c.report_pk)
            .outerjoin(self.tested, self.tested.c.report_id == self.uur.c.referenced_uut)
            .outerjoin(
                self.step,
                and_(
                    self.step.c.report_pk == self.tested.c.report_pk,
                    self.step.c.step_id == self.failure.c.ref_step_id,
                ),
            )
        )

    def columns(self, unit: Grouping) -> dict[str, ColumnElement[Any]]:
        u, t, fl, st = self.uur.c, self.tested.c, self.failure.c, self.step.c
        return {
            "partNumber": u.part_number,
            "revision": u.revision,
            "stationName": u.station_name,
            "location": u.location,
            "purpose": u.purpose,
            "testOperation": t.process_name,
            "processCode": t.process_code,
            "period": bucket(u.start_utc, unit),
            "swFilename": t.sw_filename,
            "swVersion": t.sw_version,
            "batchNumber": t.batch_number,
            "operator": u.operator,
            "fixtureId": t.fixture_id,
            "socketIndex": t.test_socket_index,
            "errorCode": t.error_code,
            "stepCausedUutFailure": t.caused_uut_failure,
            "stepPathCausedUutFailure": t.caused_uut_failure_path,
            "repairOperation": u.process_name,
            "repairCode": fl.code,
            "repairCategory": fl.category,
            "componentRef": fl.com_ref,
            "componentNumber": fl.art_number,
            "functionBlock": fl.func_block,
            "referencedStep": st.name,
            "referencedStepPath": st.path,
            "testPeriod": bucket(t.start_utc, unit),
            "testStationName": t.station_name,
            "testLocation": t.location,
            "testPurpose": t.purpose,
            "testOperator": t.operator,
        }


def dynamic_repair(
    connection: Connection, f: WatsFilter, dimensions: str | None, now: datetime
) -> list[dict[str, Any]]:
    """RepairStatistics rows: per group, the UUR reports (`repairReportCount`) and failures
    (`repairCount`); `totalCount` is the repairs of all groups together and `repairRate` the
    group's share of them in percent (a Pareto of repairs)."""
    groups, explicit, implicit = parse_dimensions(dimensions, REPAIR_DIMENSIONS, REPAIR_KPIS)
    unit = grouping(f, default=Grouping.MONTH)
    src = _Sources()
    columns = src.columns(unit)
    source, product_columns = join_products(src.joined, src.uur.c.part_number, groups)
    columns.update(product_columns)
    source, asset_columns = join_assets(source, src.uur.c.report_pk, groups)
    columns.update(asset_columns)
    selected = [columns[name].label(name) for name in groups]
    query = (
        select(
            *selected,
            func.count(func.distinct(src.uur.c.report_pk)).label("repairReportCount"),
            func.count(src.failure.c.failure_idx).label("repairCount"),
        )
        .select_from(source)
        .where(*report_scope(f, src.uur, now, "R"))
        .group_by(*selected)
    )
    folded: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in connection.execute(query).mappings():
        if not record["repairReportCount"]:
            continue  # the one row an ungrouped aggregate returns when nothing matched
        values = {name: record[name] for name in groups}
        for name in _PERIODS:
            if values.get(name) is not None:
                values[name] = period_label(values[name], unit)
        into = folded.setdefault(
            tuple(values.values()), {**values, "repairReportCount": 0, "repairCount": 0}
        )
        into["repairReportCount"] += int(record["repairReportCount"])
        into["repairCount"] += int(record["repairCount"])
    total = sum(row["repairCount"] for row in folded.values())
    rows = [
        {
            **row,
            "totalCount": total,
            "repairRate": 100.0 * row["repairCount"] / total if total else None,
        }
        for row in folded.values()
        if row["repairCount"] >= (f.min_count or 0)
    ]
    rows = sort_rows(rows, [*explicit, *implicit])
    cap = f.top_count if f.top_count is not None else f.max_count
    return rows if cap is None else rows[:cap]


def repair_history(connection: Connection, f: WatsFilter, now: datetime) -> list[dict[str, Any]]:
    """RepairHistoryRecord rows, one per failure of the matching UUR reports, newest first.

    `failCode` is the failure's code and `repairCode` its category (the fail-code tree's two
    levels); `symptom` is the failure comment. WATS's `cause` and `action` have no source in a
    UUR document and stay null.
    """
    src = _Sources()
    u, fl, st = src.uur.c, src.failure.c, src.step.c
    query = (
        select(
            u.serial_number,
            u.part_number,
            u.revision,
            u.report_id,
            u.start_utc,
            fl.code,
            fl.category,
            fl.comment,
            fl.com_ref,
            st.name,
            st.path,
        )
        .select_from(src.joined)
        .where(fl.failure_idx.is_not(None), *report_scope(f, src.uur, now, "R"))
        .order_by(u.start_utc.desc(), u.report_pk.desc(), fl.sub_unit_idx, fl.failure_idx)
        .limit(f.max_count if f.max_count is not None else 10_000)
    )
    return [
        {
            "serialNumber": row.serial_number,
            "partNumber": row.part_number,
            "revision": row.revision,
            "reportId": row.report_id,
            "repairDate": iso_utc(row.start_utc),
            "failStepName": row.name,
            "failStepPath": row.path,
            "failCode": row.code,
            "repairCode": row.category,
            "componentRef": row.com_ref,
            "symptom": row.comment,
            "cause": None,
            "action": None,
        }
        for row in connection.execute(query)
    ]
