"""`client.processes`: processes, repair fail-code trees, levels and product groups.

These are reference data: with `client.enable_reference_cache(ttl)` reads are served from a
per-client cache for `ttl` seconds, and writes through the client invalidate it.
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable
from typing import Any, overload

from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats._cache import ReferenceCache, cached, invalidating
from pywats._service import Async, Call, M, Service, Sync, endpoint
from pywats._wire import WireModel, dump

__all__ = [
    "Level",
    "ProcessDefinition",
    "ProcessInfo",
    "ProcessRecord",
    "ProcessesService",
    "ProductGroup",
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


class ProcessesService(Service[M]):
    """Processes and the other reference lists; reads are cached when the client opts in."""

    @property
    def _cache(self) -> ReferenceCache | None:
        # The cache belongs to the client (the owner of `_execute`), so writes through any
        # service of that client invalidate it.
        client = getattr(self._execute, "__self__", None)
        cache: ReferenceCache | None = getattr(client, "reference_cache", None)
        return cache

    @endpoint
    def _fetch_processes(self, include_inactive: bool) -> Call[list[ProcessInfo]]:
        params = {"includeInactiveProcesses": include_inactive}
        return Call("GET", "/api/App/Processes", returns=list[ProcessInfo], params=params)

    @endpoint
    def _fetch_levels(self) -> Call[list[Level]]:
        return Call("GET", "/api/App/Levels", returns=list[Level])

    @endpoint
    def _fetch_product_groups(self) -> Call[list[ProductGroup]]:
        return Call("GET", "/api/App/ProductGroups", returns=list[ProductGroup])

    @endpoint
    def _put(self, process: ProcessDefinition) -> Call[ProcessRecord]:
        body = dump(process)
        path = "/api/internal/Process/PutProcess"
        return Call("PUT", path, json=body, returns=ProcessRecord, idempotent=True)

    @endpoint
    def _delete(self, process_id: str) -> Call[None]:
        return Call("DELETE", f"/api/internal/Process/DeleteProcess/{process_id}")

    @overload
    def list(
        self: ProcessesService[Sync], *, include_inactive: bool = False
    ) -> builtins.list[ProcessInfo]: ...
    @overload
    def list(
        self: ProcessesService[Async], *, include_inactive: bool = False
    ) -> Awaitable[builtins.list[ProcessInfo]]: ...

    def list(self, *, include_inactive: bool = False) -> Any:
        """Every test, repair and WIP process (inactive ones only when asked)."""
        fetch = lambda: self._fetch_processes(include_inactive)  # noqa: E731
        return cached(self._cache, "processes", include_inactive, fetch, is_async=self._is_async)

    @overload
    def levels(self: ProcessesService[Sync]) -> builtins.list[Level]: ...
    @overload
    def levels(self: ProcessesService[Async]) -> Awaitable[builtins.list[Level]]: ...

    def levels(self) -> Any:
        """Production levels."""
        return cached(self._cache, "levels", None, self._fetch_levels, is_async=self._is_async)

    @overload
    def product_groups(self: ProcessesService[Sync]) -> builtins.list[ProductGroup]: ...
    @overload
    def product_groups(self: ProcessesService[Async]) -> Awaitable[builtins.list[ProductGroup]]: ...

    def product_groups(self) -> Any:
        """Product groups."""
        fetch = self._fetch_product_groups
        return cached(self._cache, "product_groups", None, fetch, is_async=self._is_async)

    @overload
    def save(self: ProcessesService[Sync], process: ProcessDefinition) -> ProcessRecord: ...
    @overload
    def save(
        self: ProcessesService[Async], process: ProcessDefinition
    ) -> Awaitable[ProcessRecord]: ...

    def save(self, process: ProcessDefinition) -> Any:
        """Create or update a process by code (administrator); invalidates cached processes."""
        return invalidating(self._cache, "processes", self._put(process))

    @overload
    def delete(self: ProcessesService[Sync], process_id: str) -> None: ...
    @overload
    def delete(self: ProcessesService[Async], process_id: str) -> Awaitable[None]: ...

    def delete(self, process_id: str) -> Any:
        """Delete a process by its `process_id` (administrator); invalidates cached processes."""
        return invalidating(self._cache, "processes", self._delete(process_id))
