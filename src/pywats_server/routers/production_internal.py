"""`/api/internal/Production`: the unit views and child operations the WATS web application
uses (rest-api.md §9.1, all shapes uncertain there; docs/domains.md says what was chosen).

Child operations apply the same box-build rules as the public AddChildUnit/RemoveChildUnit and
answer a result object `{success, message}`; a rule that refuses answers 400/409 as there.
"""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict

from .._context import ServerContext, context
from .._errors import ApiError
from ..storage.unit_details import UnitDetails
from ._production_answers import (
    ChildCheck,
    PhaseAnswer,
    SerialNumberAnswer,
    StateChange,
    UnitAnswer,
    UnitInfoAnswer,
    UnitProcess,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/Production", tags=["Production"])
Context = Annotated[ServerContext, Depends(context)]


def _details(ctx: Context) -> UnitDetails:
    return UnitDetails(ctx.database, ctx.units, ctx.processes)


Details = Annotated[UnitDetails, Depends(_details)]


class Site(BaseModel):
    siteId: int
    code: str
    name: str


class ChildResult(BaseModel):
    success: bool
    message: str


class SerialRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    serialNumberType: str
    startAddress: str
    endAddress: str


class FreeResult(BaseModel):
    count: int


@router.get("/isConnected", response_model=bool)
def is_connected() -> bool:
    """True: the production module answers (the database is reached by every other call)."""
    return True


@router.get("/GetSites", response_model=list[Site])
def get_sites() -> Any:
    """The sites of this server: one, named after its host (a local server serves one site)."""
    return [{"siteId": 1, "code": "LOCAL", "name": socket.gethostname()}]


@router.get("/GetUnit", response_model=UnitAnswer)
def get_unit(details: Details, serialNumber: str, partNumber: str | None = None) -> Any:
    """A unit by serial number, with the part number only when several products use it."""
    return details.find(serialNumber, partNumber)


@router.get("/GetUnitInfo", response_model=UnitInfoAnswer)
def get_unit_info(details: Details, serialNumber: str, partNumber: str) -> Any:
    """The unit with `reportCount` and its `lastReport` (id, type, process, result, start)."""
    return details.info(serialNumber, partNumber)


@router.get("/GetUnitStateHistory", response_model=list[StateChange])
def get_unit_state_history(details: Details, serialNumber: str, partNumber: str) -> Any:
    """Every phase change of the unit, oldest first."""
    return details.state_history(serialNumber, partNumber)


@router.get("/GetUnitPhase", response_model=PhaseAnswer)
def get_unit_phase(details: Details, serialNumber: str, partNumber: str) -> Any:
    return details.phase(serialNumber, partNumber)


@router.get("/GetUnitProcess", response_model=UnitProcess)
def get_unit_process(details: Details, serialNumber: str, partNumber: str) -> Any:
    return details.process(serialNumber, partNumber)


@router.get("/GetUnitContents", response_model=list[UnitAnswer])
def get_unit_contents(
    details: Details, serialNumber: str, partNumber: str, revision: str | None = None
) -> Any:
    """The unit's direct sub-units (each with its own sub-units)."""
    return details.contents(serialNumber, partNumber, revision)


def _checks_on(name: str, value: bool) -> None:
    if not value:
        raise ApiError(400, f"{name}: only true is supported (the box build is always checked)")


@router.post("/AddChildUnit", response_model=ChildResult)
def add_child_unit(
    ctx: Context,
    serialNumber: str,
    partNumber: str,
    childSerialNumber: str,
    childPartNumber: str,
    checkPartNumber: bool = True,
    checkRevision: bool = True,
    cultureCode: str | None = None,
    checkPhase: bool | None = None,
) -> Any:
    """Build the child into the unit under the box-build rules (messages are in English)."""
    _checks_on("checkPartNumber", checkPartNumber)
    _checks_on("checkRevision", checkRevision)
    if checkPhase:
        raise ApiError(400, "checkPhase: phase checks are not supported; leave it out or false")
    ctx.units.add_child((serialNumber, partNumber), (childSerialNumber, childPartNumber))
    return {"success": True, "message": f"unit {childSerialNumber!r} added to {serialNumber!r}"}


@router.post("/RemoveChildUnit", response_model=ChildResult)
def remove_child_unit(
    ctx: Context,
    serialNumber: str,
    partNumber: str,
    childSerialNumber: str,
    childPartNumber: str,
    cultureCode: str | None = None,
) -> Any:
    ctx.units.remove_child((serialNumber, partNumber), (childSerialNumber, childPartNumber))
    message = f"unit {childSerialNumber!r} removed from {serialNumber!r}"
    return {"success": True, "message": message}


@router.post("/RemoveAllChildUnits", response_model=ChildResult)
def remove_all_child_units(
    details: Details, serialNumber: str, partNumber: str, cultureCode: str | None = None
) -> Any:
    count = details.remove_all_children(serialNumber, partNumber)
    return {"success": True, "message": f"{count} sub-units removed from {serialNumber!r}"}


@router.get("/CheckChildUnits", response_model=ChildCheck)
def check_child_units(
    ctx: Context, ParentSerialNumber: str, ParentPartNumber: str, CultureCode: str | None = None
) -> Any:
    """The unit's sub-units against its box build (as the public CheckChildUnits)."""
    return ctx.units.check_children(ParentSerialNumber, ParentPartNumber, None)


@router.get("/SerialNumbers", response_model=list[SerialNumberAnswer])
def serial_numbers(
    details: Details,
    serialNumberType: str,
    startAddress: str,
    endAddress: str,
    startDate: datetime | None = None,
    endDate: datetime | None = None,
) -> Any:
    """Numbers taken between two serial numbers (and dates), by value."""
    return details.taken_between(serialNumberType, startAddress, endAddress, startDate, endDate)


Ranges = Annotated[list[SerialRange], Body(min_length=1)]


@router.put("/SerialNumbers/Free", response_model=FreeResult)
def free_serial_numbers(details: Details, body: Ranges) -> Any:
    """Release the taken numbers in the ranges: they are issued again before new ones."""
    return {"count": details.free([r.model_dump() for r in body])}


@router.delete("/SerialNumbers/Free", response_model=FreeResult)
def delete_free_serial_numbers(details: Details, body: Ranges) -> Any:
    """Remove free (released or imported) numbers in the ranges from the pool."""
    return {"count": details.delete_free([r.model_dump() for r in body])}
