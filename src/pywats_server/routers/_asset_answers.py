"""Response models of `/api/Asset` (types, assets, log, status), read from the store's records."""

from __future__ import annotations

from pydantic import Field

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = ["AssetAnswer", "AssetLogEntry", "AssetStatus", "AssetTypeAnswer", "AssetWithChildren"]


class AssetTypeAnswer(Answer):
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


class AssetAnswer(Answer):
    asset_id: str
    serial_number: str
    type_id: str
    parent_asset_id: str | None
    asset_name: str | None
    part_number: str | None
    revision: str | None
    description: str | None
    location: str | None
    client_id: int | None = Field(serialization_alias="ClientId")
    state: int
    first_seen_date: Instant | None
    last_seen_date: Instant | None
    last_calibration_date: Instant | None
    next_calibration_date: Instant | None
    last_maintenance_date: Instant | None
    next_maintenance_date: Instant | None
    total_count: int
    running_count: int
    parent_serial_number: str | None
    asset_type: AssetTypeAnswer
    tags: list[TagAnswer]


class AssetWithChildren(AssetAnswer):
    """An asset with its child assets (one generation)."""

    asset_children: list[AssetAnswer]


class AssetLogEntry(Answer):
    log_id: int
    asset_id: str
    serial_number: str
    date: Instant
    user: str | None
    type: int
    comment: str | None


class AssetStatus(Answer):
    """The derived alarm state: 0 OK, 1 warning, 2 alarm, with the reasons."""

    asset_id: str
    serial_number: str
    state: int
    running_count: int
    total_count: int
    last_calibration_date: Instant | None
    last_maintenance_date: Instant | None
    next_calibration_date: Instant | None
    next_maintenance_date: Instant | None
    alarm_state: int
    alarm_state_name: str
    messages: list[str]
