"""Step analytics over the stored step rows: top failed steps and test step analysis.

A failed step is a step with status `F` that is not a sequence call (a sequence fails only
because a step inside it did, so counting it too would count every failure twice).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, any_, case, func, literal, select

from ..storage.report_tables import SHAPE_STEP, report_shape_paths, report_steps, reports
from ._filter import WatsFilter
from ._measurements import numeric_statistics
from ._runs import report_scope
from ._yield import iso_utc

__all__ = ["SEQUENCE_TYPES", "step_analysis", "top_failed"]

SEQUENCE_TYPES = ("SequenceCall", "WATS_SeqCall")
# Written into the SQL (not bound) so the planner can use the partial index on failed steps.
_FAILED = report_steps.c.status == literal("F", literal_execute=True)
_DEFAULT_TOP = 10
# Up to this many matching reports, PostgreSQL reads their failed steps by report key.
_NARROW = 20_000
_STATUS_COUNTS = {
    "stepPassedCount": "P",
    "stepDoneCount": "D",
    "stepSkippedCount": "S",
    "stepFailedCount": "F",
    "stepErrorCount": "E",
    "stepTerminatedCount": "T",
}


def top_failed(connection: Connection, f: WatsFilter, now: datetime) -> list[dict[str, Any]]:
    """TopFailedStep rows: per product revision and step path, how often the step failed in the
    matching UUT reports, of how many executions; most failures first, `topCount` (10) rows."""
    s, r = report_steps.c, reports.c
    scope = report_scope(f, reports, now)
    top = f.top_count if f.top_count is not None else f.max_count
    # The reports whose failed steps are read. Few, on PostgreSQL: their keys, computed first
    # as an array, so that the planner expects few reports and reads each one's failed steps by
    # its key. Given the conditions instead, it read every failed step with a hash join (its
    # cost model takes the failed rows of reports stored in order for rows on few pages; they
    # lie one or two to a page). SQLite already loops over the matching reports.
    chosen = scope
    if connection.dialect.name == "postgresql" and _narrow(connection, scope):
        matching = select(r.report_pk).where(*scope).correlate(None).scalar_subquery()
        chosen = [r.report_pk == any_(func.array(matching))]
    fail_count = func.count().label("failCount")
    failed = (
        select(
            s.path,
            func.max(s.name).label("stepName"),
            func.max(s.step_type).label("stepType"),
            func.max(s.step_group).label("stepGroup"),
            r.part_number,
            r.revision,
            fail_count,
            func.min(r.start_utc).label("firstFailDate"),
            func.max(r.start_utc).label("lastFailDate"),
        )
        .select_from(report_steps.join(reports, r.report_pk == s.report_pk))
        .where(_FAILED, s.step_type.not_in(SEQUENCE_TYPES), *chosen)
        .group_by(s.path, r.part_number, r.revision)
        .order_by(fail_count.desc(), s.path, r.part_number, r.revision)
        .limit(_DEFAULT_TOP if top is None else top)
    )
    rows = connection.execute(failed).mappings().all()
    if not rows:
        return []
    totals = _runs(connection, scope, {row["path"] for row in rows})
    result = []
    for row in rows:
        total = totals[(row["path"], row["part_number"], row["revision"])]
        result.append(
            {
                "stepName": row["stepName"],
                "stepPath": row["path"],
                "stepType": row["stepType"],
                "stepGroup": row["stepGroup"],
                "partNumber": row["part_number"],
                "revision": row["revision"],
                "failCount": int(row["failCount"]),
                "totalCount": total,
                "failRate": 100.0 * row["failCount"] / total,
                "firstFailDate": iso_utc(row["firstFailDate"]),
                "lastFailDate": iso_utc(row["lastFailDate"]),
            }
        )
    return result


def _narrow(connection: Connection, scope: list[ColumnElement[bool]]) -> bool:
    """Whether at most `_NARROW` reports match `scope`."""
    r = reports.c
    first = select(r.report_pk).where(*scope).limit(_NARROW + 1).subquery()
    return (connection.scalar(select(func.count()).select_from(first)) or 0) <= _NARROW


def _runs(
    connection: Connection, scope: list[ColumnElement[bool]], paths: set[str]
) -> dict[tuple[str, str, str], int]:
    """(step path, part number, revision) -> how often steps of these paths ran in the reports
    `scope` selects: the reports of each shape, times the path's steps in that shape. Reads the
    reports' index and the shapes, no step row."""
    r, sp = reports.c, report_shape_paths.c
    per_shape = (
        select(r.shape_pk, r.part_number, r.revision, func.count().label("reports"))
        .where(*scope)
        .group_by(r.shape_pk, r.part_number, r.revision)
        .subquery("per_shape")
    )
    c = per_shape.c
    query = (
        select(sp.path, c.part_number, c.revision, func.sum(c.reports))
        .select_from(per_shape)
        .join(report_shape_paths, sp.shape_pk == c.shape_pk)
        .where(sp.kind == SHAPE_STEP, sp.path.in_(paths))
        .group_by(sp.path, c.part_number, c.revision)
    )
    return {(p, pn, rev): int(n) for p, pn, rev, n in connection.execute(query)}


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def step_analysis(connection: Connection, f: WatsFilter, now: datetime) -> list[dict[str, Any]]:
    """StepAnalysisRow rows: per step path, executions by status, how often the step caused the
    unit to fail, step times; a step with numeric measurements gets one row per measurement with
    its statistics and capability. Ordered by path; capped by `maxCount`."""
    s, r = report_steps.c, reports.c
    scope = report_scope(f, reports, now)
    caused = s.caused_uut_failure.is_(True)
    query = (
        select(
            s.path,
            func.max(s.name).label("stepName"),
            func.max(s.step_type).label("stepType"),
            func.max(s.step_group).label("stepGroup"),
            func.count().label("stepCount"),
            *(_count(s.status == letter).label(name) for name, letter in _STATUS_COUNTS.items()),
            _count(caused & r.result.in_(("F", "E", "T"))).label("causedAny"),
            _count(caused & (r.result == "F")).label("stepCausedUutFailed"),
            _count(caused & (r.result == "E")).label("stepCausedUutError"),
            _count(caused & (r.result == "T")).label("stepCausedUutTerminated"),
            func.avg(s.tot_time).label("stepTimeAvg"),
            func.max(s.tot_time).label("stepTimeMax"),
            func.min(s.tot_time).label("stepTimeMin"),
        )
        .select_from(report_steps.join(reports, r.report_pk == s.report_pk))
        .where(*scope)
        .group_by(s.path)
        .order_by(s.path)
    )
    measures: dict[str, list[dict[str, Any]]] = {}
    for stats in numeric_statistics(connection, scope):
        measures.setdefault(stats.pop("stepPath"), []).append(stats)
    rows: list[dict[str, Any]] = []
    for record in connection.execute(query).mappings():
        step = {key: record[key] for key in record if key not in ("path", "causedAny")}
        counted = sum(int(step[name] or 0) for name in _STATUS_COUNTS)
        failed = sum(int(step[n] or 0) for n in ("stepFailedCount", "stepErrorCount"))
        step.update(
            stepPath=record["path"],
            stepOtherCount=int(step["stepCount"]) - counted,
            stepFailedErrorTerminatedCount=failed + int(step["stepTerminatedCount"] or 0),
            stepCausedUutFailedErrorTerminated=record["causedAny"],
        )
        for measure in measures.get(record["path"], [{}]):
            rows.append({**step, **measure})
    return rows if f.max_count is None else rows[: f.max_count]
