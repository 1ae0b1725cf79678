"""Unit flow: the paths units took through the test operations, from the stored UUT reports.

A unit (serial number, part number) visits a node per report, in start order. A node is an
operation, or an operation at one station/location/purpose when `splitBy` names that column.
Links join a unit's consecutive reports (a retest at the same node is a link to itself). The
rules are written down in docs/analytics.md, "Unit flow".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import ColumnElement, Connection, select

from .._instants import UtcDateTime
from ..storage.report_tables import reports
from ._filter import AnalyticsError
from ._match import match_text

__all__ = ["SPLIT_COLUMNS", "UNIT_ORDERS", "UnitFlowFilter", "unit_flow"]

# splitBy value (case-insensitive) -> the report column the nodes are split by.
SPLIT_COLUMNS = {
    "stationname": "station_name",
    "station": "station_name",
    "location": "location",
    "purpose": "purpose",
}
UNIT_ORDERS = ("serialNumber", "partNumber", "startTime", "endTime", "totalTime", "status")
_WORDS = {"P": "Passed", "F": "Failed", "E": "Error", "T": "Terminated"}
_MAX_UNITS = 100_000


class UnitFlowFilter(BaseModel):
    """The UnitFlowFilter (rest-api.md §7.1); unknown keys are refused so none is ignored."""

    model_config = ConfigDict(extra="forbid")

    partNumber: str | None = None
    revision: str | None = None
    serialNumber: str | None = None
    serialNumbers: list[str] | None = Field(default=None, max_length=10_000)
    stationName: str | None = None
    location: str | None = None
    purpose: str | None = None
    dateFrom: UtcDateTime | None = None
    dateTo: UtcDateTime | None = None
    processCodes: list[int] | None = None
    includePassed: bool | None = None
    includeFailed: bool | None = None
    splitBy: str | None = None
    unitOrder: str | None = None
    showList: list[str] | None = None
    hideList: list[str] | None = None
    expandOperations: bool | None = None

    @field_validator("splitBy")
    @classmethod
    def _split(cls, value: str | None) -> str | None:
        if value and value.lower() not in SPLIT_COLUMNS:
            raise ValueError("expected one of stationName, location, purpose (or empty)")
        return value or None

    @field_validator("unitOrder")
    @classmethod
    def _order(cls, value: str | None) -> str | None:
        if value:
            name, _, direction = value.strip().partition(" ")
            if name not in UNIT_ORDERS or direction.strip().lower() not in ("", "asc", "desc"):
                raise ValueError(f"expected one of {', '.join(UNIT_ORDERS)}, then asc or desc")
        return value or None


# The keys that shape the view rather than select units: a POST with only these keeps the
# session's selection.
VIEW_KEYS = frozenset({"splitBy", "unitOrder", "showList", "hideList", "expandOperations"})


@dataclass
class _Node:
    id: str
    process_code: int
    process_name: str | None
    split: str | None
    units: set[tuple[str, str]] = field(default_factory=set)
    last_result: dict[tuple[str, str], str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)


@dataclass
class _Link:
    source: _Node
    target: _Node
    units: set[tuple[str, str]] = field(default_factory=set)
    passed: set[tuple[str, str]] = field(default_factory=set)
    gaps: list[float] = field(default_factory=list)


def _conditions(f: UnitFlowFilter) -> list[ColumnElement[bool]]:
    c = reports.c
    conditions: list[ColumnElement[bool]] = [c.report_type == "T"]
    for value, column in (
        (f.partNumber, c.part_number),
        (f.revision, c.revision),
        (f.serialNumber, c.serial_number),
        (f.stationName, c.station_name),
        (f.location, c.location),
        (f.purpose, c.purpose),
    ):
        if value is not None:
            conditions.append(match_text(column, value))
    if f.serialNumbers is not None:
        conditions.append(c.serial_number.in_(f.serialNumbers))
    if f.processCodes is not None:
        conditions.append(c.process_code.in_(f.processCodes))
    if f.dateFrom is not None:
        conditions.append(c.start_utc >= f.dateFrom)
    if f.dateTo is not None:
        conditions.append(c.start_utc <= f.dateTo)
    return conditions


def _node_view(node: _Node, f: UnitFlowFilter, split_by: str | None) -> dict[str, Any]:
    results = node.last_result.values()
    passed = sum(1 for r in results if r == "P")
    count = len(node.units)
    visible = _visible(node, f)
    return {
        "id": node.id,
        "name": node.process_name if node.split is None else f"{node.process_name} ({node.split})",
        "processCode": node.process_code,
        "processName": node.process_name,
        "stationName": node.split if split_by == "station_name" else None,
        "location": node.split if split_by == "location" else None,
        "purpose": node.split if split_by == "purpose" else None,
        "unitCount": count,
        "passCount": passed,
        "failCount": count - passed,
        "yieldPercent": round(100.0 * passed / count, 2) if count else None,
        "avgTime": sum(node.times) / len(node.times) if node.times else None,
        "isExpanded": bool(f.expandOperations),
        "isVisible": visible,
        "level": 0 if node.split is None else 1,
        "parentId": None if node.split is None else str(node.process_code),
    }


def _visible(node: _Node, f: UnitFlowFilter) -> bool:
    names = {node.id, node.process_name, str(node.process_code)}
    if f.showList and not names & set(f.showList):
        return False
    return not (f.hideList and names & set(f.hideList))


def _sort_units(units: list[dict[str, Any]], order: str | None) -> list[dict[str, Any]]:
    name, _, direction = (order or "startTime").strip().partition(" ")
    present = [u for u in units if u[name] is not None]
    missing = [u for u in units if u[name] is None]
    present.sort(key=lambda u: u[name], reverse=direction.strip().lower() == "desc")
    return present + missing


def unit_flow(connection: Connection, f: UnitFlowFilter) -> dict[str, Any]:
    """The flow object `{nodes, links, units, totalUnits}` of the units the filter selects.

    `includePassed`/`includeFailed` false leave out units whose last report passed/did not pass.
    """
    c = reports.c
    split_by = SPLIT_COLUMNS[f.splitBy.lower()] if f.splitBy else None
    columns: list[Any] = [
        c.serial_number,
        c.part_number,
        c.revision,
        c.process_code,
        c.process_name,
    ]
    columns += [c.result, c.start_utc, c.execution_time]
    if split_by is not None:
        columns.append(c[split_by].label("split"))
    statement = (
        select(*columns)
        .where(*_conditions(f))
        .order_by(c.serial_number, c.part_number, c.start_utc, c.report_pk)
    )
    visits: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in connection.execute(statement):
        visits[(row.serial_number, row.part_number)].append(row)
        if len(visits) > _MAX_UNITS:
            raise AnalyticsError(f"the filter selects more than {_MAX_UNITS} units: narrow it")
    nodes: dict[str, _Node] = {}
    links: dict[tuple[str, str], _Link] = {}
    units: list[dict[str, Any]] = []
    for key, rows in visits.items():
        last = rows[-1]
        if (f.includePassed is False and last.result == "P") or (
            f.includeFailed is False and last.result != "P"
        ):
            continue
        path: list[_Node] = []
        for row in rows:
            split = getattr(row, "split", None) if split_by else None
            node_id = str(row.process_code) if split_by is None else f"{row.process_code}/{split}"
            node = nodes.setdefault(
                node_id, _Node(node_id, row.process_code, row.process_name, split)
            )
            node.units.add(key)
            node.last_result[key] = row.result
            if row.execution_time is not None:
                node.times.append(float(row.execution_time))
            if path:
                link = links.setdefault((path[-1].id, node_id), _Link(path[-1], node))
                link.units.add(key)
                previous = rows[len(path) - 1]
                if previous.result == "P":
                    link.passed.add(key)
                link.gaps.append((row.start_utc - previous.start_utc).total_seconds())
            path.append(node)
        end = last.start_utc + timedelta(seconds=float(last.execution_time or 0))
        units.append(
            {
                "serialNumber": key[0],
                "partNumber": key[1],
                "revision": last.revision,
                "status": _WORDS.get(last.result, last.result),
                "startTime": rows[0].start_utc,
                "endTime": end,
                "totalTime": (end - rows[0].start_utc).total_seconds(),
                "nodePath": [_node_name(n) for n in path],
                "currentNode": _node_name(path[-1]),
            }
        )
    return {
        "nodes": [_node_view(n, f, split_by) for n in _ordered(nodes.values()) if n.units],
        "links": [_link_view(link, f) for link in links.values()],
        "units": _sort_units(units, f.unitOrder),
        "totalUnits": len(units),
    }


def _node_name(node: _Node) -> str:
    return node.process_name or str(node.process_code)


def _ordered(nodes: Iterable[_Node]) -> list[_Node]:
    return sorted(nodes, key=lambda n: (n.process_code, n.split or ""))


def _link_view(link: _Link, f: UnitFlowFilter) -> dict[str, Any]:
    count = len(link.units)
    return {
        "id": f"{link.source.id}->{link.target.id}",
        "sourceId": link.source.id,
        "targetId": link.target.id,
        "sourceName": _node_name(link.source),
        "targetName": _node_name(link.target),
        "unitCount": count,
        "passCount": len(link.passed),
        "failCount": count - len(link.passed),
        "avgTime": sum(link.gaps) / len(link.gaps),
        "isVisible": _visible(link.source, f) and _visible(link.target, f),
    }
