"""`client.assets`: asset types, assets, sub-assets, usage counts, calibration, maintenance,
state, the derived alarm status, the asset log and the files kept with an asset.

Assets are addressed by serial number here (the server also accepts ids). The alarm status is
derived by the server from the type's limits: see `docs/guides/assets.md` for the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import Field

from pywats._odata import ODataFilter, query_options
from pywats._service import Call, M, Service, endpoint
from pywats._wire import Params, Tag, WireModel, dump, items, segment

__all__ = ["Asset", "AssetLogEntry", "AssetStatus", "AssetType", "AssetsService"]


class AssetType(WireModel):
    """Limits shared by assets of one kind: counts, intervals (days), thresholds (percent).

    An interval of -1 means none, -2 managed externally (`record_calibration(until=...)`).
    """

    type_name: str
    type_id: str | None = None
    running_count_limit: int | None = None
    total_count_limit: int | None = None
    maintenance_interval: float | None = None
    calibration_interval: float | None = None
    warning_threshold: float | None = None
    alarm_threshold: float | None = None
    is_readonly: bool = False
    icon: str | None = None


class Asset(WireModel):
    """A fixture, instrument or other tracked equipment. `state`: 1 in operation, 6 scrapped."""

    serial_number: str
    type_id: str | None = None
    asset_id: str | None = None
    parent_asset_id: str | None = None
    parent_serial_number: str | None = None
    asset_name: str | None = None
    part_number: str | None = None
    revision: str | None = None
    description: str | None = None
    location: str | None = None
    state: int | None = None
    first_seen_date: datetime | None = None
    last_seen_date: datetime | None = None
    last_calibration_date: datetime | None = None
    next_calibration_date: datetime | None = None
    last_maintenance_date: datetime | None = None
    next_maintenance_date: datetime | None = None
    total_count: int | None = None
    running_count: int | None = None
    tags: list[Tag] = Field(default_factory=list)
    asset_type: AssetType | None = None
    asset_children: list[Asset] = Field(default_factory=list)


class AssetStatus(WireModel):
    """The derived alarm state: `alarm_state` 0 OK, 1 warning, 2 alarm, with the reasons."""

    asset_id: str
    serial_number: str
    alarm_state: int
    alarm_state_name: str
    messages: list[str] = Field(default_factory=list)
    running_count: int | None = None
    total_count: int | None = None
    next_calibration_date: datetime | None = None
    next_maintenance_date: datetime | None = None


class AssetLogEntry(WireModel):
    """One log line; `type` 0 message, 1 registered, 2 updated, 3 reset, 4 calibration,
    5 maintenance, 6 state change."""

    log_id: int
    asset_id: str
    serial_number: str | None = None
    date: datetime
    user: str | None = None
    type: int
    comment: str | None = None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class AssetsService(Service[M]):
    """Assets. An unknown serial number raises NotFoundError; bad input BadRequestError."""

    @endpoint
    def types(self, filter: ODataFilter | str | None = None) -> Call[list[AssetType]]:
        params = {"$filter": str(filter) if filter is not None else None}
        return Call("GET", "/api/Asset/Types", params=params, returns=list[AssetType])

    @endpoint
    def save_type(self, asset_type: AssetType) -> Call[AssetType]:
        """Create or update a type (by id, else by name)."""
        return Call("PUT", "/api/Asset/Types", json=dump(asset_type), returns=AssetType)

    @endpoint
    def query(
        self,
        filter: ODataFilter | str | None = None,
        *,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> Call[list[Asset]]:
        """Assets matching an OData filter, e.g. `"typeName eq 'Fixture' and state eq 1"`."""
        params = query_options(filter, orderby, top, skip)
        return Call("GET", "/api/Asset", params=params, returns=list[Asset])

    @endpoint
    def get(self, serial_number: str) -> Call[Asset]:
        """One asset with its type and child assets."""
        return Call("GET", f"/api/Asset/{segment(serial_number)}", returns=Asset)

    @endpoint
    def save(self, asset: Asset) -> Call[Asset]:
        """Register (needs `type_id`) or update an asset; set a parent by serial number or id."""
        body = dump(asset)
        body.pop("assetType", None)
        body.pop("assetChildren", None)
        return Call("PUT", "/api/Asset", json=body, returns=Asset)

    @endpoint
    def delete(self, serial_number: str) -> Call[None]:
        """Delete an asset without children (ConflictError otherwise) and its log."""
        return Call("DELETE", "/api/Asset", params={"serialNumber": serial_number})

    @endpoint
    def sub_assets(self, serial_number: str, *, levels: int = 1) -> Call[list[Asset]]:
        """Child assets `levels` generations deep (0: all), breadth first."""
        params: Params = {"serialNumber": serial_number, "level": levels}
        return Call("GET", "/api/Asset/SubAssets", params=params, returns=list[Asset])

    @endpoint
    def status(self, serial_number: str) -> Call[AssetStatus]:
        """The derived alarm state with the reasons."""
        params: Params = {"serialNumber": serial_number, "translate": False}
        return Call("GET", "/api/Asset/Status", params=params, returns=AssetStatus)

    @endpoint
    def set_state(self, serial_number: str, state: int) -> Call[None]:
        """Set the asset state (0..6); ConflictError once the asset is scrapped (6)."""
        params: Params = {"serialNumber": serial_number, "state": state}
        return Call("PUT", "/api/Asset/State", params=params)

    @endpoint
    def count_use(
        self, serial_number: str, uses: int = 1, *, include_children: bool = True
    ) -> Call[None]:
        """Count `uses` on the asset's running and total count (and its sub-assets')."""
        params: Params = {
            "serialNumber": serial_number,
            "incrementBy": uses,
            "incrementChildren": include_children,
        }
        # Not idempotent: a retried increment would count twice.
        return Call("PUT", "/api/Asset/Count", params=params, idempotent=False)

    @endpoint
    def reset_running_count(self, serial_number: str, comment: str | None = None) -> Call[None]:
        params: Params = {"serialNumber": serial_number, "comment": comment}
        return Call("POST", "/api/Asset/ResetRunningCount", params=params)

    @endpoint
    def set_running_count(self, serial_number: str, running: int) -> Call[None]:
        params: Params = {"serialNumber": serial_number, "runningCount": running}
        return Call("PUT", "/api/Asset/SetRunningCount", params=params)

    @endpoint
    def set_total_count(self, serial_number: str, total: int) -> Call[None]:
        params: Params = {"serialNumber": serial_number, "totalCount": total}
        return Call("PUT", "/api/Asset/SetTotalCount", params=params)

    @endpoint
    def record_calibration(
        self,
        serial_number: str,
        at: datetime | None = None,
        *,
        until: datetime | None = None,
        comment: str | None = None,
    ) -> Call[None]:
        """Record a calibration done `at` (default now). With `until`, the calibration is
        managed externally and valid until then; otherwise the type's interval applies."""
        return self._service("Calibration", serial_number, at, until, comment)

    @endpoint
    def record_maintenance(
        self,
        serial_number: str,
        at: datetime | None = None,
        *,
        until: datetime | None = None,
        comment: str | None = None,
    ) -> Call[None]:
        """Record a maintenance, as `record_calibration` does a calibration."""
        return self._service("Maintenance", serial_number, at, until, comment)

    def _service(
        self,
        kind: str,
        serial_number: str,
        at: datetime | None,
        until: datetime | None,
        comment: str | None,
    ) -> Call[None]:
        params: Params = {"serialNumber": serial_number, "comment": comment}
        if until is None:
            params["dateTime"] = _when(at)
            return Call("POST", f"/api/Asset/{kind}", params=params)
        params.update({"fromDate": _when(at), "toDate": _when(until)})
        return Call("POST", f"/api/Asset/{kind}/External", params=params)

    @endpoint
    def log(
        self,
        filter: ODataFilter | str | None = None,
        *,
        orderby: str | None = None,
        top: int | None = None,
        skip: int | None = None,
    ) -> Call[list[AssetLogEntry]]:
        """Log entries matching an OData filter, e.g. `"serialNumber eq 'FX-1' and type eq 4"`."""
        params = query_options(filter, orderby, top, skip)
        return Call("GET", "/api/Asset/Log", params=params, returns=list[AssetLogEntry])

    @endpoint
    def add_message(self, asset_id: str, comment: str) -> Call[None]:
        """Add a message to an asset's log (by asset id)."""
        body = {"assetId": asset_id, "comment": comment}
        return Call("POST", "/api/Asset/Message", json=body)

    # -- files (internal endpoints, by asset id) -----------------------------------------------

    @endpoint
    def upload_file(self, asset_id: str, filename: str, data: bytes | Path) -> Call[None]:
        """Keep `data` (bytes, or the content of the file at a `Path`) as file `filename` of
        the asset, replacing a file of that name. A plain name is expected (no `/`)."""
        content = data.read_bytes() if isinstance(data, Path) else bytes(data)
        # Uploading a name again replaces the file, so a repeated upload is safe to retry.
        return Call(
            "POST",
            "/api/internal/Blob/Asset",
            params={"assetId": asset_id, "filename": filename},
            content=content,
            headers={"Content-Type": "application/octet-stream"},
            idempotent=True,
        )

    @endpoint
    def download_file(self, asset_id: str, filename: str) -> Call[bytes]:
        """The bytes of the asset's file `filename` (NotFoundError naming it if absent)."""
        params: Params = {"assetId": asset_id, "filename": filename}
        return Call("GET", "/api/internal/Blob/Asset", params=params, returns=bytes)

    @endpoint
    def list_files(self, asset_id: str) -> Call[list[str]]:
        """The names of the asset's files, sorted."""
        path = f"/api/internal/Blob/Asset/List/{segment(asset_id)}"
        return Call("GET", path, returns=list[str])

    @endpoint
    def delete_files(self, asset_id: str, filenames: str | Sequence[str]) -> Call[None]:
        """Delete the named files of the asset (a bare string is one name): all of them, or
        none (NotFoundError naming the missing ones) when any is not there."""
        params: Params = {"assetId": asset_id}
        return Call("DELETE", "/api/internal/Blob/Assets", params=params, json=items(filenames))
