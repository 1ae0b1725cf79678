"""Alarm and notification logs (rest-api.md §7.2) as this server can give them: it has no
configurable triggers, so the alarms it raises are the ones its asset rules define (type 5,
`asset_state`): every asset in Warning or Alarm, listed when asked and dated then (the server
keeps no alarm history). Worst first, then by serial number."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from ._domain import utcnow
from ._tags import Tag
from .asset_state import OK, evaluate
from .assets import Asset, AssetStore

__all__ = ["ASSET_ALARM", "AlarmLog", "AssetAlarms"]

ASSET_ALARM = 5  # AlarmLog.type: 1 report, 2 yield/volume, 3 serial-number pool, 4 measurement
_NAMESPACE = uuid.UUID("0c3e7f4a-55d1-4a8e-b2f6-8f3d1e6a9c27")


@dataclass(frozen=True, slots=True)
class AlarmLog:
    """An asset alarm with the AlarmLog fields WATS fills for one (`assetname`, `serialnumber`,
    `typeid`, `assetstate` and `bubbledstatus` are spelled as WATS spells them)."""

    log_id: str
    name: str
    log_date: datetime
    trigger_id: str | None
    type: int
    state: int
    calculations_string: str
    assetname: str | None
    serialnumber: str
    typeid: str
    assetstate: int
    bubbledstatus: int
    tags: list[Tag]
    is_days_since_calibration_unknown: bool
    is_days_since_maintenance_unknown: bool


def _alarm(asset: Asset, level: int, messages: list[str], now: datetime) -> AlarmLog:
    kind = asset.asset_type
    return AlarmLog(
        # Stable while the asset stays in the same state with the same reasons.
        log_id=str(uuid.uuid5(_NAMESPACE, f"{asset.asset_id}/{level}/{messages}")),
        name=asset.asset_name or asset.serial_number,
        log_date=now,
        trigger_id=None,
        type=ASSET_ALARM,
        state=level,
        calculations_string="; ".join(messages),
        assetname=asset.asset_name,
        serialnumber=asset.serial_number,
        typeid=asset.type_id,
        assetstate=asset.state,
        bubbledstatus=level,
        tags=asset.tags,
        is_days_since_calibration_unknown=bool(kind.calibration_interval)
        and asset.last_calibration_date is None,
        is_days_since_maintenance_unknown=bool(kind.maintenance_interval)
        and asset.last_maintenance_date is None,
    )


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
    ) -> list[AlarmLog]:
        """The alarms in force now, within [`date_from`, `date_to`] (naive UTC); none when
        `scoped` (a product group or level: asset alarms belong to neither)."""
        now = utcnow()
        if scoped or (date_from and now < date_from) or (date_to and now > date_to):
            return []
        alarms = []
        for asset in self._assets.query((None, None, None, None)):
            state = evaluate(asset, asset.asset_type, now)
            if state.level > OK:
                alarms.append(_alarm(asset, state.level, state.messages, now))
        alarms.sort(key=lambda a: (-a.state, a.serialnumber))
        return alarms if top is None else alarms[:top]
