"""Alarm and notification logs (rest-api.md §7.2) as this server can give them: it has no
configurable triggers, so the alarms it raises are the ones its asset rules define (type 5,
`asset_state`): every asset in Warning or Alarm, listed when asked and dated then (the server
keeps no alarm history). Worst first, then by serial number."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ._domain import utcnow
from .asset_state import OK, evaluate
from .assets import AssetStore

__all__ = ["ASSET_ALARM", "AssetAlarms"]

ASSET_ALARM = 5  # AlarmLog.type: 1 report, 2 yield/volume, 3 serial-number pool, 4 measurement
_NAMESPACE = uuid.UUID("0c3e7f4a-55d1-4a8e-b2f6-8f3d1e6a9c27")


def _alarm(asset: dict[str, Any], level: int, messages: list[str], now: datetime) -> dict[str, Any]:
    calibration = asset["assetType"].get("calibrationInterval")
    maintenance = asset["assetType"].get("maintenanceInterval")
    return {
        # Stable while the asset stays in the same state with the same reasons.
        "logId": str(uuid.uuid5(_NAMESPACE, f"{asset['assetId']}/{level}/{messages}")),
        "name": asset["assetName"] or asset["serialNumber"],
        "logDate": now,
        "triggerId": None,
        "type": ASSET_ALARM,
        "state": level,
        "calculationsString": "; ".join(messages),
        "assetname": asset["assetName"],
        "serialnumber": asset["serialNumber"],
        "typeid": asset["typeId"],
        "assetstate": asset["state"],
        "bubbledstatus": level,
        "tags": asset["tags"],
        "isDaysSinceCalibrationUnknown": bool(calibration) and asset["lastCalibrationDate"] is None,
        "isDaysSinceMaintenanceUnknown": bool(maintenance) and asset["lastMaintenanceDate"] is None,
    }


class AssetAlarms:
    def __init__(self, assets: AssetStore) -> None:
        self._assets = assets

    def logs(
        self,
        *,
        top: int | None,
        date_from: datetime | None,
        date_to: datetime | None,
        scoped: bool,
    ) -> list[dict[str, Any]]:
        """The alarms in force now, within [`date_from`, `date_to`] (naive UTC); none when
        `scoped` (a product group or level: asset alarms belong to neither)."""
        now = utcnow()
        if scoped or (date_from and now < date_from) or (date_to and now > date_to):
            return []
        alarms = []
        for asset in self._assets.query((None, None, None, None)):
            state = evaluate(asset, asset["assetType"], now)
            if state.level > OK:
                alarms.append(_alarm(asset, state.level, state.messages, now))
        alarms.sort(key=lambda a: (-a["state"], a["serialnumber"]))
        return alarms if top is None else alarms[:top]
