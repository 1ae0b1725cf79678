"""`client.production`, completed with the internal unit views and child operations of the
WATS web application (unit info, phase, process, state history, contents, sites) and the
release of taken serial numbers (`free_serial_numbers`).

`ProductionService` here extends the public one of `_production`; the client serves this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

from pywats._odata import ODataFilter, query_options
from pywats._production import (
    ChildUnitCheck,
    SerialNumberRecord,
    Unit,
    UnitKey,
    UnitPhase,
)
from pywats._production import ProductionService as PublicProductionService
from pywats._service import Call, M, endpoint
from pywats._wire import Params, WireModel

__all__ = [
    "ChildUnitResult",
    "ProductionService",
    "SerialNumberRangeSpec",
    "Site",
    "UnitInfo",
    "UnitProcess",
    "UnitReportSummary",
    "UnitStateChange",
]

_ROOT = "/api/internal/Production"


class Site(WireModel):
    site_id: int
    code: str
    name: str


class UnitReportSummary(WireModel):
    """A unit's last report: id, UUT/UUR, operation, result word, start."""

    report_id: str
    report_type: str
    process_code: int | None = None
    process_name: str | None = None
    result: str | None = None
    start_utc: datetime | None = None


class UnitInfo(Unit):
    """A unit with how many reports it has and its last one."""

    report_count: int = 0
    last_report: UnitReportSummary | None = None


class UnitProcess(WireModel):
    serial_number: str
    part_number: str
    process_code: int | None = None
    process_name: str | None = None


class UnitStateChange(WireModel):
    """One phase change of a unit."""

    change_id: int
    changed_utc: datetime
    unit_phase_id: int
    unit_phase: str
    comment: str | None = None


class ChildUnitResult(WireModel):
    success: bool
    message: str


class SerialNumberRangeSpec(WireModel):
    """Serial numbers of a type from `start_address` to `end_address` (both included)."""

    serial_number_type: str
    start_address: str
    end_address: str


def _unit(serial_number: str, part_number: str) -> Params:
    return {"serialNumber": serial_number, "partNumber": part_number}


def _count(value: Any) -> Any:
    return value.get("count") if isinstance(value, dict) else value


# The answer `{"count": n}` of the Free endpoints, read as n.
Counted = Annotated[int, BeforeValidator(_count)]


class ProductionService(PublicProductionService[M]):
    """Units and serial numbers, with the internal unit views."""

    @endpoint
    def is_connected(self) -> Call[bool]:
        return Call("GET", f"{_ROOT}/isConnected", returns=bool)

    @endpoint
    def list_sites(self) -> Call[list[Site]]:
        return Call("GET", f"{_ROOT}/GetSites", returns=list[Site])

    @endpoint
    def find_unit(self, serial_number: str, part_number: str | None = None) -> Call[Unit]:
        """The unit with this serial number; BadRequestError when several products use it and
        no `part_number` says which."""
        params: Params = {"serialNumber": serial_number, "partNumber": part_number}
        return Call("GET", f"{_ROOT}/GetUnit", params=params, returns=Unit)

    @endpoint
    def get_unit_info(self, serial_number: str, part_number: str) -> Call[UnitInfo]:
        """The unit with its report count and last report."""
        params = _unit(serial_number, part_number)
        return Call("GET", f"{_ROOT}/GetUnitInfo", params=params, returns=UnitInfo)

    @endpoint
    def get_phase(self, serial_number: str, part_number: str) -> Call[UnitPhase]:
        params = _unit(serial_number, part_number)
        return Call("GET", f"{_ROOT}/GetUnitPhase", params=params, returns=UnitPhase)

    @endpoint
    def get_process(self, serial_number: str, part_number: str) -> Call[UnitProcess]:
        params = _unit(serial_number, part_number)
        return Call("GET", f"{_ROOT}/GetUnitProcess", params=params, returns=UnitProcess)

    @endpoint
    def list_state_history(
        self, serial_number: str, part_number: str
    ) -> Call[list[UnitStateChange]]:
        """The unit's phase changes, oldest first."""
        params = _unit(serial_number, part_number)
        path = f"{_ROOT}/GetUnitStateHistory"
        return Call("GET", path, params=params, returns=list[UnitStateChange])

    @endpoint
    def list_contents(
        self, serial_number: str, part_number: str, revision: str | None = None
    ) -> Call[list[Unit]]:
        """The unit's direct sub-units; BadRequestError when `revision` is not the unit's."""
        params: Params = {**_unit(serial_number, part_number), "revision": revision}
        return Call("GET", f"{_ROOT}/GetUnitContents", params=params, returns=list[Unit])

    @endpoint
    def add_child_checked(
        self, parent: UnitKey | tuple[str, str], child: UnitKey | tuple[str, str]
    ) -> Call[ChildUnitResult]:
        """Build `child` into `parent` through the internal endpoint (box build checked)."""
        params: Params = {
            **_unit(*parent),
            "childSerialNumber": child[0],
            "childPartNumber": child[1],
            "checkPartNumber": True,
            "checkRevision": True,
        }
        return Call("POST", f"{_ROOT}/AddChildUnit", params=params, returns=ChildUnitResult)

    @endpoint
    def remove_child_checked(
        self, parent: UnitKey | tuple[str, str], child: UnitKey | tuple[str, str]
    ) -> Call[ChildUnitResult]:
        params: Params = {
            **_unit(*parent),
            "childSerialNumber": child[0],
            "childPartNumber": child[1],
        }
        return Call("POST", f"{_ROOT}/RemoveChildUnit", params=params, returns=ChildUnitResult)

    @endpoint
    def remove_all_children(self, serial_number: str, part_number: str) -> Call[ChildUnitResult]:
        params = _unit(serial_number, part_number)
        path = f"{_ROOT}/RemoveAllChildUnits"
        return Call("POST", path, params=params, returns=ChildUnitResult)

    @endpoint
    def check_children_of(self, serial_number: str, part_number: str) -> Call[ChildUnitCheck]:
        """The internal twin of `check_children` (the unit's own revision)."""
        params = {"ParentSerialNumber": serial_number, "ParentPartNumber": part_number}
        return Call("GET", f"{_ROOT}/CheckChildUnits", params=params, returns=ChildUnitCheck)

    @endpoint
    def list_serial_numbers(
        self,
        type_name: str,
        start_address: str,
        end_address: str,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> Call[list[SerialNumberRecord]]:
        """Numbers taken between two serial numbers (and dates), by value."""
        params: Params = {
            "serialNumberType": type_name,
            "startAddress": start_address,
            "endAddress": end_address,
            "startDate": None if start_date is None else start_date.isoformat(),
            "endDate": None if end_date is None else end_date.isoformat(),
        }
        path = f"{_ROOT}/SerialNumbers"
        return Call("GET", path, params=params, returns=list[SerialNumberRecord])

    @endpoint
    def free_serial_numbers(self, ranges: Sequence[SerialNumberRangeSpec]) -> Call[int]:
        """Release taken numbers (they are issued again before new ones); how many."""
        body = [r.model_dump(by_alias=True) for r in ranges]
        path = f"{_ROOT}/SerialNumbers/Free"
        return Call("PUT", path, json=body, returns=Counted)

    @endpoint
    def delete_free_serial_numbers(self, ranges: Sequence[SerialNumberRangeSpec]) -> Call[int]:
        """Remove free (released or imported) numbers from the pool; how many."""
        body = [r.model_dump(by_alias=True) for r in ranges]
        path = f"{_ROOT}/SerialNumbers/Free"
        return Call("DELETE", path, json=body, returns=Counted)

    @endpoint
    def query_units(
        self,
        filter: ODataFilter | str | None = None,
        *,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> Call[list[Unit]]:
        """Units matching an OData filter, e.g. `"partNumber eq 'PCB-1' and unitPhaseId eq 2"`
        or `"subUnits/any(s: s/partNumber eq 'FAN-1')"`; 100 by default, 1000 at most."""
        params = query_options(filter, orderby, top, skip)
        return Call("GET", "/api/Production/Unit/Query", params=params, returns=list[Unit])

    @endpoint
    def set_unit_tag(
        self, serial_number: str, part_number: str, key: str, value: str | None
    ) -> Call[None]:
        """Set one tag of a unit (its other tags stay)."""
        params: Params = {**_unit(serial_number, part_number), "key": key, "value": value}
        return Call("PUT", "/api/Production/UnitTag", params=params)

    @endpoint
    def change_unit(
        self, serial_number: str, part_number: str, new_part_number: str, new_revision: str
    ) -> Call[None]:
        """Move a unit to another product revision; ConflictError when that product already
        has a unit with this serial number."""
        params: Params = {
            **_unit(serial_number, part_number),
            "newPartNumber": new_part_number,
            "newRevision": new_revision,
        }
        return Call("PUT", "/api/Production/ChangeUnit", params=params)

    @endpoint
    def delete_unit(self, serial_number: str, part_number: str) -> Call[None]:
        """Delete a unit; ConflictError while it holds sub-units or is inside a unit."""
        params = _unit(serial_number, part_number)
        return Call("DELETE", "/api/Production/Unit", params=params)
