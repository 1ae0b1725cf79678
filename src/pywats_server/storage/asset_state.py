"""The derived alarm state of an asset: OK (0), Warning (1) or Alarm (2), with the reasons.

Each limit the asset's type sets is a check that yields a percentage of use:

- running count: `runningCount / runningCountLimit`;
- total count: `totalCount / totalCountLimit`;
- calibration: time since the last calibration over the time until the next one is due (the
  stored `nextCalibrationDate`, else last + `calibrationInterval` days); maintenance alike.

A check at or above `alarmThreshold` percent (default 100) is an alarm, at or above
`warningThreshold` percent (default 80) a warning. A type with a calibration or maintenance
interval (> 0 days, or -2 = managed externally) whose asset has no last date is in alarm: it was
never calibrated/maintained. Limits that are absent, zero or -1 (unlimited) are not checked.
The asset's state is its worst check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from .asset_tables import AssetType

__all__ = ["ALARM", "EXTERNAL", "OK", "WARNING", "AssetState", "evaluate"]

OK, WARNING, ALARM = 0, 1, 2
EXTERNAL = -2
_NAMES = {OK: "OK", WARNING: "Warning", ALARM: "Alarm"}


@dataclass
class AssetState:
    level: int = OK
    messages: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return _NAMES[self.level]

    def add(self, level: int, message: str) -> None:
        if level > OK:
            self.level = max(self.level, level)
            self.messages.append(message)


def _level(percent: float, warning: float, alarm: float) -> int:
    if percent >= alarm:
        return ALARM
    if percent >= warning:
        return WARNING
    return OK


def _count(
    state: AssetState, what: str, used: int, limit: Any, thresholds: tuple[float, float]
) -> None:
    if not limit or limit <= 0:
        return
    percent = 100.0 * used / limit
    state.add(_level(percent, *thresholds), f"{what} {used} of {limit} ({percent:.0f}%)")


def _due(
    state: AssetState,
    what: str,
    interval: Any,
    last: datetime | None,
    next_due: datetime | None,
    now: datetime,
    thresholds: tuple[float, float],
) -> None:
    managed = interval is not None and (interval > 0 or interval == EXTERNAL)
    if not managed and next_due is None:
        return
    if last is None:
        state.add(ALARM, f"{what}: no {what} date recorded")
        return
    if next_due is None:
        next_due = last + timedelta(days=float(interval))
    span = (next_due - last).total_seconds()
    if span <= 0:
        state.add(ALARM, f"{what} was due {next_due:%Y-%m-%d}")
        return
    percent = 100.0 * (now - last).total_seconds() / span
    level = _level(percent, *thresholds)
    if now >= next_due:
        message = f"{what} overdue by {(now - next_due).days} day(s) (due {next_due:%Y-%m-%d})"
    else:
        message = f"{what} due {next_due:%Y-%m-%d} ({percent:.0f}% of the interval used)"
    state.add(level, message)


class _Counted(Protocol):
    """What the rule reads of an asset: its counts and service dates (naive UTC)."""

    @property
    def running_count(self) -> int: ...
    @property
    def total_count(self) -> int: ...
    @property
    def last_calibration_date(self) -> datetime | None: ...
    @property
    def next_calibration_date(self) -> datetime | None: ...
    @property
    def last_maintenance_date(self) -> datetime | None: ...
    @property
    def next_maintenance_date(self) -> datetime | None: ...


def evaluate(asset: _Counted, asset_type: AssetType | None, now: datetime) -> AssetState:
    """The state of `asset` (naive-UTC dates) under its type's limits."""
    state = AssetState()
    if asset_type is None:
        return state
    warning, alarm = asset_type.warning_threshold, asset_type.alarm_threshold
    thresholds = (
        80.0 if warning is None else float(warning),
        100.0 if alarm is None else float(alarm),
    )
    _count(state, "running count", asset.running_count, asset_type.running_count_limit, thresholds)
    _count(state, "total count", asset.total_count, asset_type.total_count_limit, thresholds)
    _due(
        state,
        "calibration",
        asset_type.calibration_interval,
        asset.last_calibration_date,
        asset.next_calibration_date,
        now,
        thresholds,
    )
    _due(
        state,
        "maintenance",
        asset_type.maintenance_interval,
        asset.last_maintenance_date,
        asset.next_maintenance_date,
        now,
        thresholds,
    )
    return state
