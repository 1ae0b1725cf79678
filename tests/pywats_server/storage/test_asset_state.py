"""The asset alarm rules at their boundaries (docs/guides/assets.md states them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from pywats_server.storage.asset_state import ALARM, OK, WARNING, evaluate

NOW = datetime(2026, 11, 29, 12)


def _asset(**fields: Any) -> dict[str, Any]:
    return {"runningCount": 0, "totalCount": 0, **fields}


@pytest.mark.parametrize(
    ("running", "thresholds", "level"),
    [
        (79, {}, OK),
        (80, {}, WARNING),
        (99, {}, WARNING),
        (100, {}, ALARM),
        (49, {"warningThreshold": 50, "alarmThreshold": 90}, OK),
        (50, {"warningThreshold": 50, "alarmThreshold": 90}, WARNING),
        (90, {"warningThreshold": 50, "alarmThreshold": 90}, ALARM),
    ],
)
def test_count_thresholds(running: int, thresholds: dict[str, float], level: int) -> None:
    state = evaluate(_asset(runningCount=running), {"runningCountLimit": 100, **thresholds}, NOW)
    assert state.level == level


@pytest.mark.parametrize("limit", [None, 0, -1])
def test_absent_or_unlimited_limits_are_not_checked(limit: int | None) -> None:
    kind = {"runningCountLimit": limit, "totalCountLimit": limit, "calibrationInterval": limit}
    state = evaluate(_asset(runningCount=10**6, totalCount=10**6), kind, NOW)
    assert (state.level, state.messages) == (OK, [])


def test_calibration_interval_runs_from_the_last_calibration() -> None:
    kind = {"calibrationInterval": 10}
    fresh = evaluate(_asset(lastCalibrationDate=NOW - timedelta(days=7)), kind, NOW)
    worn = evaluate(_asset(lastCalibrationDate=NOW - timedelta(days=8)), kind, NOW)
    late = evaluate(_asset(lastCalibrationDate=NOW - timedelta(days=13)), kind, NOW)
    assert (fresh.level, worn.level, late.level) == (OK, WARNING, ALARM)
    assert late.messages == ["calibration overdue by 3 day(s) (due 2026-11-26)"]


def test_stored_due_date_wins_over_the_interval_and_external_needs_a_date() -> None:
    external = {"maintenanceInterval": -2}
    assert evaluate(_asset(), external, NOW).messages == [
        "maintenance: no maintenance date recorded"
    ]
    asset = _asset(
        lastMaintenanceDate=NOW - timedelta(days=1), nextMaintenanceDate=NOW + timedelta(days=99)
    )
    assert evaluate(asset, {"maintenanceInterval": 2}, NOW).level == OK


def test_the_worst_check_decides() -> None:
    kind = {"runningCountLimit": 10, "totalCountLimit": 10, "calibrationInterval": 10}
    asset = _asset(runningCount=8, totalCount=10, lastCalibrationDate=NOW)
    state = evaluate(asset, kind, NOW)
    assert state.name == "Alarm"
    assert state.messages == ["running count 8 of 10 (80%)", "total count 10 of 10 (100%)"]
