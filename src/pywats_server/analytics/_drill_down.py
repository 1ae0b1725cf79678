"""Drill-down lists (rest-api.md §7.2): every measurement, or every step execution, of the
reports a filter selects, narrowed by step and sequence filters.

WATS passes the two filters as XML strings of unknown schema. Here each element of the XML that
carries a `path`, `name` or `value` attribute (any case), or text, is one pattern with the WATS
wildcards: a step filter matches a step's name or its ¶-path, a sequence filter matches a
sequence the step lies in (by name or by path prefix). Empty XML, or none, selects every step.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select, true

from ..storage import PATH_SEPARATOR
from ..storage.report_tables import report_measurements, report_steps, reports
from ._filter import AnalyticsError, WatsFilter
from ._runs import report_scope
from ._yield import iso_utc

__all__ = ["measurement_list", "parse_step_filters", "step_status_list"]

_DEFAULT_MAX = 1000
_WORDS = {
    "P": "Passed",
    "F": "Failed",
    "E": "Error",
    "T": "Terminated",
    "D": "Done",
    "S": "Skipped",
}
_KEYS = ("path", "name", "value")


def parse_step_filters(parameter: str, text: str | None) -> list[str]:
    """The patterns of a step/sequence filter XML; AnalyticsError naming `parameter` if it is
    not XML."""
    if text is None or not text.strip():
        return []
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise AnalyticsError(f"{parameter}: expected an XML filter document ({exc})") from None
    patterns = []
    for element in root.iter():
        attributes = {key.lower(): value for key, value in element.attrib.items()}
        found = next((attributes[k] for k in _KEYS if attributes.get(k)), None)
        if found is None and element.text and element.text.strip() and len(element) == 0:
            found = element.text.strip()
        if found is not None:
            patterns.append(found)
    return patterns


def _step_condition(steps: Sequence[str], sequences: Sequence[str]) -> ColumnElement[bool]:
    s = report_steps.c
    parts: list[ColumnElement[bool]] = []
    if steps:
        parts.append(or_(*(or_(s.name.like(p), s.path.like(p)) for p in steps)))
    if sequences:
        inside = [
            or_(
                s.path.like(f"{p}{PATH_SEPARATOR}%"),
                s.path.like(f"%{PATH_SEPARATOR}{p}{PATH_SEPARATOR}%"),
            )
            for p in sequences
        ]
        parts.append(or_(*inside))
    return and_(*parts) if parts else true()


def _cap(f: WatsFilter) -> int:
    cap = f.top_count if f.top_count is not None else f.max_count
    return _DEFAULT_MAX if cap is None else cap


def measurement_list(
    connection: Connection,
    f: WatsFilter,
    now: datetime,
    steps: Sequence[str],
    sequences: Sequence[str],
) -> list[dict[str, Any]]:
    """MeasurementListItem rows, newest report first (at most `topCount`/`maxCount`, 1000)."""
    m, s, r = report_measurements.c, report_steps.c, reports.c
    source = report_measurements.join(
        report_steps, and_(s.report_pk == m.report_pk, s.step_order == m.step_order)
    ).join(reports, r.report_pk == m.report_pk)
    query = (
        select(
            r.serial_number,
            r.part_number,
            r.revision,
            r.report_id,
            r.start_utc,
            r.station_name,
            s.name.label("step_name"),
            s.path.label("step_path"),
            m.name,
            m.value,
            m.text_value,
            m.low_limit,
            m.high_limit,
            m.unit,
            m.status,
        )
        .select_from(source)
        .where(*report_scope(f, reports, now, "T"), _step_condition(steps, sequences))
        .order_by(r.start_utc.desc(), r.report_pk.desc(), m.meas_index)
        .limit(_cap(f))
    )
    return [
        {
            "serialNumber": row.serial_number,
            "partNumber": row.part_number,
            "revision": row.revision,
            "reportId": row.report_id,
            "stepName": row.step_name,
            "stepPath": row.step_path,
            "measureName": row.name,
            "value": row.value,
            "stringValue": row.text_value,
            "limitLow": row.low_limit,
            "limitHigh": row.high_limit,
            "unit": row.unit,
            "status": _WORDS.get(row.status or "", row.status),
            "startUtc": iso_utc(row.start_utc),
            "stationName": row.station_name,
        }
        for row in connection.execute(query)
    ]


def step_status_list(
    connection: Connection,
    f: WatsFilter,
    now: datetime,
    steps: Sequence[str],
    sequences: Sequence[str],
) -> list[dict[str, Any]]:
    """StepStatusItem rows: one per step execution, newest report first, each with the pass,
    fail and total counts of its step (path, part number, revision) over the listed rows."""
    s, r = report_steps.c, reports.c
    query = (
        select(
            r.serial_number,
            r.part_number,
            r.revision,
            r.report_id,
            r.start_utc,
            s.name,
            s.path,
            s.step_type,
            s.step_group,
            s.status,
        )
        .select_from(report_steps.join(reports, r.report_pk == s.report_pk))
        .where(*report_scope(f, reports, now, "T"), _step_condition(steps, sequences))
        .order_by(r.start_utc.desc(), r.report_pk.desc(), s.step_order)
        .limit(_cap(f))
    )
    rows = list(connection.execute(query))
    totals: Counter[tuple[str, str, str]] = Counter()
    passed: Counter[tuple[str, str, str]] = Counter()
    failed: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        key = (row.path, row.part_number, row.revision)
        totals[key] += 1
        passed[key] += row.status == "P"
        failed[key] += row.status == "F"
    return [
        {
            "stepName": row.name,
            "stepPath": row.path,
            "stepType": row.step_type,
            "stepGroup": row.step_group,
            "partNumber": row.part_number,
            "revision": row.revision,
            "passCount": passed[(row.path, row.part_number, row.revision)],
            "failCount": failed[(row.path, row.part_number, row.revision)],
            "totalCount": totals[(row.path, row.part_number, row.revision)],
            "status": _WORDS.get(row.status or "", row.status),
            "startUtc": iso_utc(row.start_utc),
            "serialNumber": row.serial_number,
            "reportId": row.report_id,
        }
        for row in rows
    ]
