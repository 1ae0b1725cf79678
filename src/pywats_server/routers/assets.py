"""`/api/Asset`: asset types, assets (OData queries), sub-assets, usage counts, calibration and
maintenance, state, derived alarm status and the asset log.

Endpoints taking `id` or `serialNumber` accept either (one is enough).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from .._context import CallerName, ServerContext, context
from .._instants import UtcDateTime
from .._json import StrictJsonRoute
from ..storage.asset_tables import AssetType as StoredType
from ..storage.assets import Asset as StoredAsset
from ..storage.assets import AssetFields, AssetTypeFields
from ..storage.assets import AssetLogEntry as StoredLogEntry
from ..storage.assets import AssetStatus as StoredStatus
from ._asset_answers import (
    AssetAnswer,
    AssetLogEntry,
    AssetStatus,
    AssetTypeAnswer,
    AssetWithChildren,
)
from ._query_options import Filter, OrderBy, Skip, Top
from ._updates import sent
from .products import Setting

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, prefix="/api/Asset", tags=["Asset"])
Context = Annotated[ServerContext, Depends(context)]
AssetId = Annotated[str | None, Query(alias="id")]
Serial = Annotated[str | None, Query(alias="serialNumber")]


class AssetType(BaseModel):
    model_config = ConfigDict(extra="ignore")

    typeName: str = Field(min_length=1)
    typeId: str | None = None
    runningCountLimit: int | None = None
    totalCountLimit: int | None = None
    maintenanceInterval: float | None = None
    calibrationInterval: float | None = None
    warningThreshold: float | None = Field(default=None, ge=0)
    alarmThreshold: float | None = Field(default=None, ge=0)
    isReadonly: bool = False
    icon: str | None = None

    def fields(self) -> AssetTypeFields:
        kept = sent(
            self,
            running_count_limit="runningCountLimit",
            total_count_limit="totalCountLimit",
            maintenance_interval="maintenanceInterval",
            calibration_interval="calibrationInterval",
            warning_threshold="warningThreshold",
            alarm_threshold="alarmThreshold",
            icon="icon",
        )
        return AssetTypeFields(self.typeName, self.typeId, **kept, is_readonly=self.isReadonly)


class Asset(BaseModel):
    model_config = ConfigDict(extra="ignore")

    serialNumber: str = Field(min_length=1)
    assetId: str | None = None
    typeId: str | None = None
    parentAssetId: str | None = None
    parentSerialNumber: str | None = None
    assetName: str | None = None
    partNumber: str | None = None
    revision: str | None = None
    description: str | None = None
    location: str | None = None
    ClientId: int | None = None
    state: int | None = None
    firstSeenDate: UtcDateTime | None = None
    lastSeenDate: UtcDateTime | None = None
    lastCalibrationDate: UtcDateTime | None = None
    nextCalibrationDate: UtcDateTime | None = None
    lastMaintenanceDate: UtcDateTime | None = None
    nextMaintenanceDate: UtcDateTime | None = None
    totalCount: int | None = Field(default=None, ge=0)
    runningCount: int | None = Field(default=None, ge=0)
    tags: list[Setting] | None = None

    def fields(self) -> AssetFields:
        kept = sent(
            self,
            type_id="typeId",
            parent_asset_id="parentAssetId",
            parent_serial_number="parentSerialNumber",
            asset_name="assetName",
            part_number="partNumber",
            revision="revision",
            description="description",
            location="location",
            client_id="ClientId",
            state="state",
            first_seen_date="firstSeenDate",
            last_seen_date="lastSeenDate",
            last_calibration_date="lastCalibrationDate",
            next_calibration_date="nextCalibrationDate",
            last_maintenance_date="lastMaintenanceDate",
            next_maintenance_date="nextMaintenanceDate",
            total_count="totalCount",
            running_count="runningCount",
        )
        tags = [tag.tag_change() for tag in self.tags or ()]
        return AssetFields(self.serialNumber, self.assetId, **kept, tags=tags)


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    assetId: str = Field(min_length=1)
    comment: str = Field(min_length=1)


@router.get("", response_model=list[AssetAnswer])
def query_assets(
    ctx: Context, filter: Filter = None, orderby: OrderBy = None, top: Top = None, skip: Skip = None
) -> list[StoredAsset]:
    """Assets matching `$filter` (e.g. `typeName eq 'Fixture' and runningCount gt 1000`)."""
    return ctx.assets.query((filter, orderby, top, skip))


@router.put("", response_model=AssetWithChildren)
def save_asset(ctx: Context, asset: Asset, user: CallerName) -> StoredAsset:
    """Create or update an asset (by `assetId`, else by `serialNumber`)."""
    return ctx.assets.save(asset.fields(), user)


@router.delete("")
def delete_asset(ctx: Context, id: AssetId = None, serialNumber: Serial = None) -> None:
    ctx.assets.delete(id, serialNumber)


@router.get("/Types", response_model=list[AssetTypeAnswer])
def asset_types(ctx: Context, filter: Filter = None, top: Top = None) -> list[StoredType]:
    return ctx.assets.types(filter, top)


@router.put("/Types", response_model=AssetTypeAnswer)
def save_asset_type(ctx: Context, asset_type: AssetType) -> StoredType:
    """Create or update an asset type (by `typeId`, else by `typeName`)."""
    return ctx.assets.save_type(asset_type.fields())


@router.get("/Log", response_model=list[AssetLogEntry])
def asset_log(
    ctx: Context, filter: Filter = None, orderby: OrderBy = None, top: Top = None, skip: Skip = None
) -> list[StoredLogEntry]:
    return ctx.assets.log((filter, orderby, top, skip))


@router.post("/Message")
def add_message(ctx: Context, message: Message, user: CallerName) -> None:
    ctx.assets.message(message.assetId, message.comment, user)


@router.get("/Status", response_model=AssetStatus)
def asset_status(
    ctx: Context,
    id: AssetId = None,
    serialNumber: Serial = None,
    translate: bool = True,
    cultureCode: str | None = None,
) -> StoredStatus:
    """The derived alarm state: 0 OK, 1 warning, 2 alarm, with the reasons (in English)."""
    return ctx.assets.status(id, serialNumber)


@router.put("/State")
def set_state(
    ctx: Context, state: int, user: CallerName, id: AssetId = None, serialNumber: Serial = None
) -> None:
    ctx.assets.set_state(id, serialNumber, state, user)


@router.put("/Count")
def count_use(
    ctx: Context,
    id: AssetId = None,
    serialNumber: Serial = None,
    totalCount: Annotated[int | None, Query(ge=0)] = None,
    incrementBy: Annotated[int, Query(ge=0)] = 1,
    incrementChildren: bool = True,
) -> None:
    """Add `incrementBy` uses (to the sub-assets too), or set `totalCount`."""
    ctx.assets.count(
        id,
        serialNumber,
        increment_by=incrementBy,
        total_count=totalCount,
        include_children=incrementChildren,
    )


@router.post("/ResetRunningCount")
def reset_running_count(
    ctx: Context,
    user: CallerName,
    id: AssetId = None,
    serialNumber: Serial = None,
    comment: str | None = None,
) -> None:
    ctx.assets.set_counts(id, serialNumber, running=0, user=user, comment=comment)


@router.put("/SetRunningCount")
def set_running_count(
    ctx: Context,
    runningCount: int,
    user: CallerName,
    id: AssetId = None,
    serialNumber: Serial = None,
) -> None:
    ctx.assets.set_counts(id, serialNumber, running=runningCount, user=user)


@router.put("/SetTotalCount")
def set_total_count(
    ctx: Context, totalCount: int, user: CallerName, id: AssetId = None, serialNumber: Serial = None
) -> None:
    ctx.assets.set_counts(id, serialNumber, total=totalCount, user=user)


def _service(kind: str) -> Any:
    def record(
        ctx: Context,
        user: CallerName,
        id: AssetId = None,
        serialNumber: Serial = None,
        dateTime: UtcDateTime | None = None,
        comment: str | None = None,
    ) -> None:
        ctx.assets.record_service(kind, id, serialNumber, done=dateTime, user=user, comment=comment)

    def external(
        ctx: Context,
        user: CallerName,
        fromDate: UtcDateTime,
        toDate: UtcDateTime,
        id: AssetId = None,
        serialNumber: Serial = None,
        comment: str | None = None,
    ) -> None:
        ctx.assets.record_service(
            kind, id, serialNumber, done=fromDate, until=toDate, user=user, comment=comment
        )

    return record, external


for _kind in ("Calibration", "Maintenance"):
    _record, _external = _service(_kind.lower())
    router.post(
        f"/{_kind}",
        summary=f"Record a {_kind.lower()} (at `dateTime`, default now)",
    )(_record)
    router.post(
        f"/{_kind}/External",
        summary=f"Record an externally managed {_kind.lower()} period `fromDate`..`toDate`",
    )(_external)


@router.get("/SubAssets", response_model=list[AssetAnswer])
def sub_assets(
    ctx: Context, id: AssetId = None, serialNumber: Serial = None, level: int = 1
) -> list[StoredAsset]:
    """Child assets `level` generations deep (0: all)."""
    return ctx.assets.children(id, serialNumber, level)


@router.get("/{assetIdOrSerialNumber}", response_model=AssetWithChildren)
def get_asset(ctx: Context, assetIdOrSerialNumber: str) -> StoredAsset:
    """An asset by id or serial number, with its type and child assets."""
    return ctx.assets.get(assetIdOrSerialNumber)
