"""Response models of `/api/Asset` (types, assets, log, status)."""

from __future__ import annotations

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = ["AssetAnswer", "AssetLogEntry", "AssetStatus", "AssetTypeAnswer", "AssetWithChildren"]


class AssetTypeAnswer(Answer):
    typeId: str
    typeName: str
    runningCountLimit: int | None
    totalCountLimit: int | None
    maintenanceInterval: float | None
    calibrationInterval: float | None
    warningThreshold: float | None
    alarmThreshold: float | None
    isReadonly: bool
    icon: str | None


class AssetAnswer(Answer):
    assetId: str
    serialNumber: str
    typeId: str
    parentAssetId: str | None
    assetName: str | None
    partNumber: str | None
    revision: str | None
    description: str | None
    location: str | None
    ClientId: int | None
    state: int
    firstSeenDate: Instant | None
    lastSeenDate: Instant | None
    lastCalibrationDate: Instant | None
    nextCalibrationDate: Instant | None
    lastMaintenanceDate: Instant | None
    nextMaintenanceDate: Instant | None
    totalCount: int
    runningCount: int
    parentSerialNumber: str | None
    assetType: AssetTypeAnswer
    tags: list[TagAnswer]


class AssetWithChildren(AssetAnswer):
    """An asset with its child assets (one generation)."""

    assetChildren: list[AssetAnswer]


class AssetLogEntry(Answer):
    logId: int
    assetId: str
    serialNumber: str
    date: Instant
    user: str | None
    type: int
    comment: str | None


class AssetStatus(Answer):
    """The derived alarm state: 0 OK, 1 warning, 2 alarm, with the reasons."""

    assetId: str
    serialNumber: str
    state: int
    runningCount: int
    totalCount: int
    lastCalibrationDate: Instant | None
    lastMaintenanceDate: Instant | None
    nextCalibrationDate: Instant | None
    nextMaintenanceDate: Instant | None
    alarmState: int
    alarmStateName: str
    messages: list[str]
