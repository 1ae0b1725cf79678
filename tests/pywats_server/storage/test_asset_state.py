"""The asset alarm rules at their boundaries (docs/guides/assets.md states them)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from pywats_server.storage.asset_state import ALARM, OK, WARNING, evaluate
from pywats_server.storage.asset_tables import AssetType

NOW = datetime(2026, 11, 29, 12)


@dataclasses.dataclass(frozen=True)
class _Asset:
    """The counts and dates the rule reads of an asset."""

    running_count: int = 0
    total_count: int = 0
    last_calibration_date: datetime | None = None
    next_calibration_date: datetime | None = None
    last_maintenance_date: datetime | None = None
    next_maintenance_date: datetime | None = None


def _kind(**limits: Any) -> AssetType:
    """An asset type with these limits, intervals and thresholds (the others not set)."""
    unset = {f.name: None for f in dataclasses.fields(AssetType)}
    return AssetType(**{**unset, "type_id": "t", "type_name": "T", "is_readonly": False, **limits})


@pytest.mark.parametrize(
    ("running", "thresholds", "level"),
    [
        (79, {}, OK),
        (80, {}, WARNING),
        (99, {}, WARNING),
        (100, {}, ALARM),
        (49, {"warning_threshold": 50, "alarm_threshold": 90}, OK),
        (50, {"warning_threshold": 50, "alarm_threshold": 90}, WARNING),
        (90, {"warning_threshold": 50, "alarm_threshold": 90}, ALARM),
    ],
)
def test_count_thresholds(running: int, thresholds: dict[str, float], level: int) -> None:
    state = evaluate(
        _Asset(running_count=running), _kind(running_count_limit=100, **thresholds), NOW
    )
    assert state.level == level


@pytest.mark.parametrize("limit", [None, 0, -1])
def test_absent_or_unlimited_limits_are_not_checked(limit: int | None) -> None:
    kind = {"running_count_limit": limit, "total_count_limit": limit, "calibration_interval": limit}
    state = evaluate(_Asset(running_count=10**6, total_count=10**6), _kind(**kind), NOW)
    assert (state.level, state.messages) == (OK, [])


def test_calibration_interval_runs_from_the_last_calibration() -> None:
    kind = {"calibration_interval": 10}
    fresh = evaluate(_Asset(last_calibration_date=NOW - timedelta(days=7)), _kind(**kind), NOW)
    worn = evaluate(_Asset(last_calibration_date=NOW - timedelta(days=8)), _kind(**kind), NOW)
    late = evaluate(_Asset(last_calibration_date=NOW - timedelta(days=13)), _kind(**kind), NOW)
    assert (fresh.level, worn.level, late.level) == (OK, WARNING, ALARM)
    assert late.messages == ["calibration overdue by 3 day(s) (due 2026-11-26)"]


def test_stored_due_date_wins_over_the_interval_and_external_needs_a_date() -> None:
    external = {"maintenance_interval": -2}
    assert evaluate(_Asset(), _kind(**external), NOW).messages == [
        "maintenance: no maintenance date recorded"
    ]
    asset = _Asset(
        last_maintenance_date=NOW - timedelta(days=1),
        next_maintenance_date=NOW + timedelta(days=99),
    )
    assert evaluate(asset, _kind(maintenance_interval=2), NOW).level == OK


def test_the_worst_check_decides() -> None:
    kind = {"running_count_limit": 10, "total_count_limit": 10, "calibration_interval": 10}
    asset = _Asset(running_count=8, total_count=10, last_calibration_date=NOW)
    state = evaluate(asset, _kind(**kind), NOW)
    assert state.name == "Alarm"
    assert state.messages == ["running count 8 of 10 (80%)", "total count 10 of 10 (100%)"]
