"""`client.unit_flow`: the paths units took through the operations (WATS's internal unit-flow
view, rest-api.md §7.1).

The server keeps the view per session (a cookie, which the client's connection keeps): `query`
selects units and returns their flow; `split_by`, `order_units` and `set_visibility` change the
view of that selection; `list_nodes`, `list_links` and `list_units` read it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import Field

from pywats._service import Call, M, Service, endpoint
from pywats._wire import WireModel, dump

__all__ = [
    "UnitFlow",
    "UnitFlowFilter",
    "UnitFlowLink",
    "UnitFlowNode",
    "UnitFlowService",
    "UnitFlowUnit",
]

_ROOT = "/api/internal/UnitFlow"


class UnitFlowFilter(WireModel):
    """Which units the flow shows; string keys take the WATS wildcards (`%`, `_`, `;`).
    `include_passed`/`include_failed` False leave out units whose last report passed/failed."""

    part_number: str | None = None
    revision: str | None = None
    serial_number: str | None = None
    serial_numbers: list[str] | None = None
    station_name: str | None = None
    location: str | None = None
    purpose: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    process_codes: list[int] | None = None
    include_passed: bool | None = None
    include_failed: bool | None = None


class UnitFlowNode(WireModel):
    """An operation (or an operation at one station/location/purpose when split)."""

    id: str
    name: str | None = None
    process_code: int
    process_name: str | None = None
    station_name: str | None = None
    location: str | None = None
    purpose: str | None = None
    unit_count: int
    pass_count: int
    fail_count: int
    yield_percent: float | None = None
    avg_time: float | None = None
    is_expanded: bool = False
    is_visible: bool = True
    level: int = 0
    parent_id: str | None = None


class UnitFlowLink(WireModel):
    """Units going from one node to the next (source == target: a retest there)."""

    id: str
    source_id: str
    target_id: str
    source_name: str
    target_name: str
    unit_count: int
    pass_count: int
    fail_count: int
    avg_time: float
    is_visible: bool = True


class UnitFlowUnit(WireModel):
    """One unit's path: `node_path` names the nodes of its reports in start order."""

    serial_number: str
    part_number: str
    revision: str | None = None
    status: str
    start_time: datetime
    end_time: datetime
    total_time: float
    node_path: list[str] = Field(default_factory=list)
    current_node: str | None = None


class UnitFlow(WireModel):
    nodes: list[UnitFlowNode] = Field(default_factory=list)
    links: list[UnitFlowLink] = Field(default_factory=list)
    units: list[UnitFlowUnit] = Field(default_factory=list)
    total_units: int = 0


def _body(f: UnitFlowFilter | None, **view: Any) -> dict[str, Any]:
    body = dump(f) if f is not None else {}
    body.update({key: value for key, value in view.items() if value is not None})
    return body


class UnitFlowService(Service[M]):
    """The unit-flow view of this client's session; bad keys raise BadRequestError."""

    @endpoint
    def query(self, filter: UnitFlowFilter | None = None) -> Call[UnitFlow]:
        """Select the units `filter` matches (all without one); their flow."""
        return Call("POST", _ROOT, json=_body(filter), returns=UnitFlow)

    @endpoint
    def query_serial_numbers(
        self, serial_numbers: Sequence[str], filter: UnitFlowFilter | None = None
    ) -> Call[UnitFlow]:
        """Select the units with these serial numbers (narrowed by `filter`); their flow."""
        body = _body(filter, serialNumbers=list(serial_numbers))
        return Call("POST", f"{_ROOT}/SN", json=body, returns=UnitFlow)

    @endpoint
    def split_by(self, dimension: str) -> Call[UnitFlow]:
        """Split each operation by `stationName`, `location` or `purpose` ("" to join again)."""
        return Call("POST", f"{_ROOT}/SplitBy", json={"splitBy": dimension}, returns=UnitFlow)

    @endpoint
    def order_units(self, order: str) -> Call[UnitFlow]:
        """Order the units, e.g. `"totalTime desc"` (serialNumber, partNumber, startTime,
        endTime, totalTime or status, then asc or desc)."""
        return Call("POST", f"{_ROOT}/UnitOrder", json={"unitOrder": order}, returns=UnitFlow)

    @endpoint
    def set_visibility(
        self,
        show: Sequence[str] | None = None,
        hide: Sequence[str] | None = None,
        expand_operations: bool | None = None,
    ) -> Call[UnitFlow]:
        """Show only the nodes in `show` and hide those in `hide` (node ids, names or process
        codes); the selection stays."""
        body = _body(
            None,
            showList=None if show is None else list(show),
            hideList=None if hide is None else list(hide),
            expandOperations=expand_operations,
        )
        return Call("POST", _ROOT, json=body, returns=UnitFlow)

    @endpoint
    def list_nodes(self) -> Call[list[UnitFlowNode]]:
        return Call("GET", f"{_ROOT}/Nodes", returns=list[UnitFlowNode])

    @endpoint
    def list_links(self) -> Call[list[UnitFlowLink]]:
        return Call("GET", f"{_ROOT}/Links", returns=list[UnitFlowLink])

    @endpoint
    def list_units(self) -> Call[list[UnitFlowUnit]]:
        return Call("GET", f"{_ROOT}/Units", returns=list[UnitFlowUnit])
