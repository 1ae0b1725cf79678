"""`client.analytics.alarm_logs` against the real server (SQLite and PostgreSQL): the alarms in
force are the assets out of their type's limits, worst first; the filters narrow them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pywats import Asset, AssetType, AsyncWATS


@pytest.mark.anyio
async def test_assets_out_of_limits_are_the_alarms(aclient: AsyncWATS, unique: str) -> None:
    kind = await aclient.assets.save_type(
        AssetType(type_name=f"Probe-{unique}", running_count_limit=10, warning_threshold=80)
    )
    counts = {"warn": 9, "alarm": 12, "fine": 1}
    for name, count in counts.items():
        await aclient.assets.save(
            Asset(serial_number=f"{name}-{unique}", type_id=kind.type_id, asset_name=name)
        )
        await aclient.assets.set_running_count(f"{name}-{unique}", count)

    mine = [a for a in await aclient.analytics.alarm_logs() if unique in (a.serial_number or "")]
    assert [(a.serial_number, a.state, a.type) for a in mine] == [
        (f"alarm-{unique}", 2, 5),
        (f"warn-{unique}", 1, 5),
    ]
    assert mine[0].calculations_string == "running count 12 of 10 (120%)"
    assert (mine[0].asset_name, mine[0].type_id) == ("alarm", kind.type_id)
    assert mine[0].is_days_since_calibration_unknown is False

    assert len(await aclient.analytics.alarm_logs(top_count=1)) == 1
    past = datetime.now(timezone.utc) - timedelta(days=1)
    assert await aclient.analytics.alarm_logs(date_to=past) == []
    assert await aclient.analytics.alarm_logs(date_from=past) != []
    assert await aclient.analytics.alarm_logs(product_group="Boards") == []
