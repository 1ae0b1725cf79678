"""Processes: the public list, the internal process and repair-operation endpoints, and edits.

`PutProcess`, `DeleteProcess` and `PutRepairOperation` are pyWATS extensions (WATS edits these in
its web application); they need an administrator.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from .._context import ServerContext, context, require_admin
from .._errors import ApiError
from .._json import StrictJsonRoute
from ..storage import Process, RepairCategory, RepairOperation
from ._answer import Scalar

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, tags=["Processes"])
Context = Annotated[ServerContext, Depends(context)]


class ProcessInfo(BaseModel):
    code: int
    name: str
    description: str | None
    isTestOperation: bool
    isRepairOperation: bool
    isWipOperation: bool
    processIndex: int
    state: int


class InternalProcess(BaseModel):
    """A process as the internal endpoints carry it (PascalCase)."""

    model_config = ConfigDict(extra="forbid")

    Code: int = Field(ge=0)
    Name: str = Field(min_length=1)
    Description: str | None = None
    ProcessID: str | None = None
    ProcessIndex: int = 0
    State: int = 1
    Properties: str | None = None
    IsTestOperation: bool = False
    IsRepairOperation: bool = False
    IsWIPOperation: bool = False


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")

    GUID: str | None = None
    Description: str = Field(min_length=1)
    Selectable: bool = True
    SortOrder: int = 0
    FailureType: int = 0
    ImageConstraint: str | None = None
    Status: int = 1
    Failcodes: list[Category] = []


class RepairOperationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    Description: str | None = None
    UUTRequired: int = 1
    CompRefMask: str | None = None
    CompRefMaskDescription: str | None = None
    BomConstraint: str | None = None
    BOMRequired: int = 0
    VendorRequired: int = 0
    Categories: list[Category] = []
    MiscInfos: list[dict[str, Scalar]] = []


def _internal(process: Process) -> InternalProcess:
    return InternalProcess(
        Code=process.code,
        Name=process.name,
        Description=process.description,
        ProcessID=process.process_id,
        ProcessIndex=process.process_index,
        State=process.state,
        IsTestOperation=process.is_test,
        IsRepairOperation=process.is_repair,
        IsWIPOperation=process.is_wip,
    )


def _category(node: RepairCategory) -> Category:
    return Category(
        GUID=node.guid,
        Description=node.description,
        Selectable=node.selectable,
        SortOrder=node.sort_order,
        FailureType=node.failure_type,
        ImageConstraint=node.image_constraint,
        Status=node.status,
        Failcodes=[_category(child) for child in node.children],
    )


def _config(operation: RepairOperation) -> RepairOperationConfig:
    return RepairOperationConfig(
        Description=operation.description,
        UUTRequired=operation.uut_required,
        CompRefMask=operation.comp_ref_mask,
        CompRefMaskDescription=operation.comp_ref_mask_description,
        BomConstraint=operation.bom_constraint,
        BOMRequired=operation.bom_required,
        VendorRequired=operation.vendor_required,
        Categories=[_category(node) for node in operation.categories],
    )


def _node(category: Category) -> RepairCategory:
    return RepairCategory(
        description=category.Description,
        guid=(category.GUID or "").lower(),
        selectable=category.Selectable,
        sort_order=category.SortOrder,
        failure_type=category.FailureType,
        image_constraint=category.ImageConstraint,
        status=category.Status,
        children=tuple(_node(child) for child in category.Failcodes),
    )


def _process(ctx: ServerContext, process_id: str) -> Process:
    process = ctx.processes.get(process_id=process_id)
    if process is None:
        raise ApiError(404, f"process {process_id!r} not found")
    return process


@router.get("/api/App/Processes")
def list_processes(
    ctx: Context,
    includeTestOperations: bool = True,
    includeRepairOperations: bool = True,
    includeWipOperations: bool = True,
    includeInactiveProcesses: bool = False,
) -> list[ProcessInfo]:
    """Processes of the chosen kinds; inactive ones (state 0) only when asked."""
    return [
        ProcessInfo(
            code=p.code,
            name=p.name,
            description=p.description,
            isTestOperation=p.is_test,
            isRepairOperation=p.is_repair,
            isWipOperation=p.is_wip,
            processIndex=p.process_index,
            state=p.state,
        )
        for p in ctx.processes.all()
        if (includeInactiveProcesses or p.state == 1)
        and (
            (includeTestOperations and p.is_test)
            or (includeRepairOperations and p.is_repair)
            or (includeWipOperations and p.is_wip)
        )
    ]


@router.get("/api/internal/Process/GetProcesses")
def get_processes(ctx: Context) -> list[InternalProcess]:
    return [_internal(p) for p in ctx.processes.all()]


@router.get("/api/internal/Process/GetProcess/{processId}")
def get_process(ctx: Context, processId: str) -> InternalProcess:
    return _internal(_process(ctx, processId))


@router.get("/api/internal/Process/GetRepairOperations")
def get_repair_operations(ctx: Context) -> dict[str, RepairOperationConfig]:
    """Repair-operation configurations keyed by process code."""
    return {str(op.code): _config(op) for op in ctx.processes.repair_operations()}


@router.get("/api/internal/Process/GetRepairOperation/{processId}")
def get_repair_operation(
    ctx: Context, processId: str, processCode: int | None = None
) -> RepairOperationConfig:
    code = processCode if processCode is not None else _process(ctx, processId).code
    for operation in ctx.processes.repair_operations():
        if operation.code == code:
            return _config(operation)
    raise ApiError(404, f"process {code} has no repair-operation configuration")


@router.put("/api/internal/Process/PutProcess", dependencies=[Depends(require_admin)])
def put_process(ctx: Context, body: InternalProcess) -> InternalProcess:
    """Create or update the process with `Code` (pyWATS extension)."""
    if not (body.IsTestOperation or body.IsRepairOperation or body.IsWIPOperation):
        raise ApiError(
            400, "IsTestOperation, IsRepairOperation, IsWIPOperation: expected at least one true"
        )
    saved = ctx.processes.save(
        Process(
            code=body.Code,
            name=body.Name,
            description=body.Description,
            is_test=body.IsTestOperation,
            is_repair=body.IsRepairOperation,
            is_wip=body.IsWIPOperation,
            process_index=body.ProcessIndex,
            state=body.State,
        )
    )
    return _internal(saved)


@router.delete(
    "/api/internal/Process/DeleteProcess/{processId}", dependencies=[Depends(require_admin)]
)
def delete_process(ctx: Context, processId: str) -> None:
    """Delete a process and its repair configuration (pyWATS extension)."""
    ctx.processes.delete(_process(ctx, processId).code)


@router.put(
    "/api/internal/Process/PutRepairOperation/{processId}", dependencies=[Depends(require_admin)]
)
def put_repair_operation(
    ctx: Context, processId: str, body: RepairOperationConfig
) -> RepairOperationConfig:
    """Replace the configuration and fail-code tree of a repair process (pyWATS extension)."""
    process = _process(ctx, processId)
    if not process.is_repair:
        raise ApiError(400, f"processId: process {process.code} is not a repair operation")
    saved = ctx.processes.save_repair_operation(
        RepairOperation(
            code=process.code,
            description=body.Description,
            uut_required=body.UUTRequired,
            comp_ref_mask=body.CompRefMask,
            comp_ref_mask_description=body.CompRefMaskDescription,
            bom_constraint=body.BomConstraint,
            bom_required=body.BOMRequired,
            vendor_required=body.VendorRequired,
            categories=tuple(_node(c) for c in body.Categories),
        )
    )
    return _config(saved)
