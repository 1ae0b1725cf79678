"""The asset tables and their OData fields: types, assets, tags, the asset log and the files
kept with an asset (certificates, drawings, logs: one row per file name, content inline).

Log types: 0 message, 1 registered, 2 updated, 3 running count reset, 4 calibration,
5 maintenance, 6 state change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from ..odata import FieldSpec
from ._metadata import BigId, metadata
from ._tags import tag_table

__all__ = [
    "ASSET_COLUMNS",
    "ASSET_FIELDS",
    "CALIBRATION",
    "LOG_FIELDS",
    "MAINTENANCE",
    "MESSAGE",
    "REGISTERED",
    "RESET",
    "SCRAPPED",
    "STATES",
    "STATE_CHANGE",
    "TYPE_COLUMNS",
    "TYPE_FIELDS",
    "UPDATED",
    "AssetType",
    "asset_files",
    "asset_log",
    "asset_tags",
    "asset_type",
    "asset_types",
    "assets",
]

asset_types = Table(
    "asset_types",
    metadata,
    Column("type_id", String(36), primary_key=True),
    Column("type_name", String(200), nullable=False, unique=True),
    Column("running_count_limit", Integer),
    Column("total_count_limit", Integer),
    Column("maintenance_interval", Float),
    Column("calibration_interval", Float),
    Column("warning_threshold", Float),
    Column("alarm_threshold", Float),
    Column("is_readonly", Boolean, nullable=False),
    Column("icon", String(200)),
)

assets = Table(
    "assets",
    metadata,
    Column("asset_id", String(36), primary_key=True),
    Column("serial_number", String(200), nullable=False, unique=True),
    Column("type_id", String(36), ForeignKey("asset_types.type_id"), nullable=False),
    Column("parent_asset_id", String(36), ForeignKey("assets.asset_id"), index=True),
    Column("asset_name", String(200)),
    Column("part_number", String(200)),
    Column("revision", String(200)),
    Column("description", Text),
    Column("location", String(200)),
    Column("client_id", Integer),
    Column("state", Integer, nullable=False),
    Column("first_seen_date", DateTime),
    Column("last_seen_date", DateTime),
    Column("last_calibration_date", DateTime),
    Column("next_calibration_date", DateTime),
    Column("last_maintenance_date", DateTime),
    Column("next_maintenance_date", DateTime),
    Column("total_count", BigId, nullable=False),
    Column("running_count", BigId, nullable=False),
)

asset_tags = tag_table("asset_tags", "asset_id", "assets.asset_id", String(36))

asset_log = Table(
    "asset_log",
    metadata,
    Column("log_id", BigId, primary_key=True, autoincrement=True),
    Column("asset_id", String(36), ForeignKey("assets.asset_id"), nullable=False, index=True),
    Column("date", DateTime, nullable=False),
    Column("user", String(100)),
    Column("type", Integer, nullable=False),
    Column("comment", Text),
)

asset_files = Table(
    "asset_files",
    metadata,
    Column("asset_id", String(36), ForeignKey("assets.asset_id"), primary_key=True),
    Column("file_name", String(255), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("size", BigId, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_utc", DateTime, nullable=False),
)

MESSAGE, REGISTERED, UPDATED, RESET, CALIBRATION, MAINTENANCE, STATE_CHANGE = range(7)
SCRAPPED = 6
STATES = range(7)

TYPE_COLUMNS = {
    "typeName": "type_name",
    "runningCountLimit": "running_count_limit",
    "totalCountLimit": "total_count_limit",
    "maintenanceInterval": "maintenance_interval",
    "calibrationInterval": "calibration_interval",
    "warningThreshold": "warning_threshold",
    "alarmThreshold": "alarm_threshold",
    "isReadonly": "is_readonly",
    "icon": "icon",
}
ASSET_COLUMNS = {
    "serialNumber": "serial_number",
    "typeId": "type_id",
    "parentAssetId": "parent_asset_id",
    "assetName": "asset_name",
    "partNumber": "part_number",
    "revision": "revision",
    "description": "description",
    "location": "location",
    "ClientId": "client_id",
    "state": "state",
    "firstSeenDate": "first_seen_date",
    "lastSeenDate": "last_seen_date",
    "lastCalibrationDate": "last_calibration_date",
    "nextCalibrationDate": "next_calibration_date",
    "lastMaintenanceDate": "last_maintenance_date",
    "nextMaintenanceDate": "next_maintenance_date",
    "totalCount": "total_count",
    "runningCount": "running_count",
}
_KINDS = {"state": "int", "ClientId": "int", "totalCount": "int", "runningCount": "int"}
ASSET_FIELDS = {
    name: FieldSpec(
        assets.c[column],
        _KINDS.get(name, "datetime" if column.endswith("_date") else "string"),
    )
    for name, column in ASSET_COLUMNS.items()
}
ASSET_FIELDS["assetId"] = FieldSpec(assets.c.asset_id, "uuid")
ASSET_FIELDS["typeId"] = FieldSpec(assets.c.type_id, "uuid")
ASSET_FIELDS["parentAssetId"] = FieldSpec(assets.c.parent_asset_id, "uuid")
ASSET_FIELDS["typeName"] = FieldSpec(asset_types.c.type_name, "string")
LOG_FIELDS = {
    "logId": FieldSpec(asset_log.c.log_id, "int"),
    "assetId": FieldSpec(asset_log.c.asset_id, "uuid"),
    "serialNumber": FieldSpec(assets.c.serial_number, "string"),
    "date": FieldSpec(asset_log.c.date, "datetime"),
    "user": FieldSpec(asset_log.c.user, "string"),
    "type": FieldSpec(asset_log.c.type, "int"),
    "comment": FieldSpec(asset_log.c.comment, "string"),
}
TYPE_FIELDS = {
    "typeId": FieldSpec(asset_types.c.type_id, "uuid"),
    "typeName": FieldSpec(asset_types.c.type_name, "string"),
    "isReadonly": FieldSpec(asset_types.c.is_readonly, "bool"),
}


@dataclass(frozen=True, slots=True)
class AssetType:
    """An asset type: the count limits, service intervals (days) and alarm thresholds (%)
    of its assets."""

    type_id: str
    type_name: str
    running_count_limit: int | None
    total_count_limit: int | None
    maintenance_interval: float | None
    calibration_interval: float | None
    warning_threshold: float | None
    alarm_threshold: float | None
    is_readonly: bool
    icon: str | None


def asset_type(row: Any) -> AssetType:
    """The record of a row of `asset_types`."""
    columns = {column: getattr(row, column) for column in TYPE_COLUMNS.values()}
    return AssetType(type_id=row.type_id, **columns)
