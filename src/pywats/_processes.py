"""`client.processes`: processes, repair fail-code trees, levels and product groups.

These are reference data: a client built with `cache_ttl=` serves these reads from its cache
for that many seconds, and writes through the client invalidate it.
"""

from __future__ import annotations

import builtins
from typing import Any

from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats._service import Call, M, Service, endpoint
from pywats._wire import WireModel, dump, segment

__all__ = [
    "Level",
    "ProcessDefinition",
    "ProcessInfo",
    "ProcessRecord",
    "ProcessesService",
    "ProductGroup",
    "RepairCategory",
    "RepairOperation",
]


class ProcessInfo(WireModel):
    """A process as `GET /api/App/Processes` lists it."""

    code: int
    name: str
    description: str | None = None
    is_test_operation: bool = False
    is_repair_operation: bool = False
    is_wip_operation: bool = False
    process_index: int = 0
    state: int = 1


class ProcessDefinition(WireModel):
    """A process to create or update (by `code`); sent in the internal PascalCase shape."""

    model_config = ConfigDict(alias_generator=to_pascal)

    code: int
    name: str
    description: str | None = None
    process_id: str | None = Field(default=None, alias="ProcessID")
    process_index: int = 0
    state: int = 1
    is_test_operation: bool = False
    is_repair_operation: bool = False
    is_wip_operation: bool = Field(default=False, alias="IsWIPOperation")


class ProcessRecord(ProcessDefinition):
    """A process as the server returns it; fields it adds are kept."""


class Level(WireModel):
    """A production level (`GET /api/App/Levels`)."""

    level_id: int
    level_name: str


class ProductGroup(WireModel):
    """A product group (`GET /api/App/ProductGroups`)."""

    product_group_id: int
    product_group_name: str


class RepairCategory(WireModel):
    """A node of a repair operation's fail-code tree (`description` is the UUR code)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    description: str
    guid: str | None = Field(default=None, alias="GUID")
    selectable: bool = True
    sort_order: int = 0
    failure_type: int = 0
    image_constraint: str | None = None
    status: int = 1
    failcodes: builtins.list[RepairCategory] = Field(default_factory=builtins.list)


class RepairOperation(WireModel):
    """A repair operation's configuration: UUR rules and the fail-code tree."""

    model_config = ConfigDict(alias_generator=to_pascal)

    description: str | None = None
    uut_required: int = Field(default=1, alias="UUTRequired")
    comp_ref_mask: str | None = None
    comp_ref_mask_description: str | None = None
    bom_constraint: str | None = None
    bom_required: int = Field(default=0, alias="BOMRequired")
    vendor_required: int = 0
    categories: builtins.list[RepairCategory] = Field(default_factory=builtins.list)
    misc_infos: builtins.list[dict[str, Any]] = Field(default_factory=builtins.list)


class ProcessesService(Service[M]):
    """Processes and the other reference lists; reads are cached when the client has a cache."""

    @endpoint
    def list(self, *, include_inactive: bool = False) -> Call[builtins.list[ProcessInfo]]:
        """Every test, repair and WIP process (inactive ones only when asked)."""
        params = {"includeInactiveProcesses": include_inactive}
        returns = builtins.list[ProcessInfo]
        return Call("GET", "/api/App/Processes", returns=returns, params=params, cache="processes")

    @endpoint
    def levels(self) -> Call[builtins.list[Level]]:
        """Production levels."""
        return Call("GET", "/api/App/Levels", returns=builtins.list[Level], cache="levels")

    @endpoint
    def product_groups(self) -> Call[builtins.list[ProductGroup]]:
        """Product groups."""
        returns = builtins.list[ProductGroup]
        return Call("GET", "/api/App/ProductGroups", returns=returns, cache="product_groups")

    @endpoint
    def save(self, process: ProcessDefinition) -> Call[ProcessRecord]:
        """Create or update a process by code (administrator); invalidates cached processes."""
        path = "/api/internal/Process/PutProcess"
        return Call(
            "PUT",
            path,
            json=dump(process),
            returns=ProcessRecord,
            idempotent=True,
            invalidates="processes",
        )

    @endpoint
    def delete(self, process_id: str) -> Call[None]:
        """Delete a process by its `process_id` (administrator); invalidates cached processes."""
        path = f"/api/internal/Process/DeleteProcess/{process_id}"
        return Call("DELETE", path, invalidates="processes")

    @endpoint
    def list_records(self) -> Call[builtins.list[ProcessRecord]]:
        """Every process in the internal shape, with its `process_id`."""
        path = "/api/internal/Process/GetProcesses"
        return Call("GET", path, returns=builtins.list[ProcessRecord])

    @endpoint
    def get(self, process_id: str) -> Call[ProcessRecord]:
        """One process by its `process_id`; NotFoundError when unknown."""
        path = f"/api/internal/Process/GetProcess/{segment(process_id)}"
        return Call("GET", path, returns=ProcessRecord)

    @endpoint
    def list_repair_operations(self) -> Call[dict[str, RepairOperation]]:
        """Repair-operation configurations keyed by process code (`"500"`)."""
        path = "/api/internal/Process/GetRepairOperations"
        return Call("GET", path, returns=dict[str, RepairOperation])

    @endpoint
    def get_repair_operation(self, process_id: str) -> Call[RepairOperation]:
        path = f"/api/internal/Process/GetRepairOperation/{segment(process_id)}"
        return Call("GET", path, returns=RepairOperation)

    @endpoint
    def save_repair_operation(
        self, process_id: str, config: RepairOperation
    ) -> Call[RepairOperation]:
        """Set a repair operation's configuration (administrator; a pyWATS extension)."""
        path = f"/api/internal/Process/PutRepairOperation/{segment(process_id)}"
        return Call("PUT", path, json=dump(config), returns=RepairOperation)
