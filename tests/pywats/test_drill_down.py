"""Drill-down lists (`analytics.measurement_list`, `step_status_list` and their `_recent` GET
twins) against the in-process server, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pywats import AsyncWATS, BadRequestError, WATSFilter
from pywats.report import UUTReport


async def _submit(aclient: AsyncWATS, pn: str, sn: str, volts: float, minutes: int) -> None:
    uut = UUTReport.new(
        operator="operator",
        part_number=pn,
        serial_number=sn,
        revision="B",
        process_code=50,
        station_name="ST-DD",
        location="Lab",
        purpose="Test",
        start=datetime.now(timezone.utc) - timedelta(hours=1) + timedelta(minutes=minutes),
    )
    power = uut.root.add_sequence("Power")
    power.add_numeric("5V", volts, low=4.5, high=5.5, unit="V")
    power.add_numeric("3V3", 3.3, low=3.2, high=3.4, unit="V")
    uut.root.add_sequence("Radio").add_numeric("RSSI", -40.0, low=-60.0, high=-20.0, unit="dBm")
    uut.propagate_failures()
    await aclient.reports.submit(uut)


@pytest.mark.anyio
async def test_lists_narrow_by_step_and_sequence_filters(aclient: AsyncWATS, unique: str) -> None:
    pn = f"DD-{unique}"
    await _submit(aclient, pn, "S1", 5.0, 0)
    await _submit(aclient, pn, "S2", 6.0, 5)
    f = WATSFilter(part_number=pn)

    five_volt = await aclient.analytics.measurement_list(
        f, step_filters='<Filters><Step name="5V"/></Filters>'
    )
    assert [(m.serial_number, m.value, m.status) for m in five_volt] == [
        ("S2", 6.0, "Failed"),
        ("S1", 5.0, "Passed"),
    ]
    assert (five_volt[0].limit_low, five_volt[0].limit_high, five_volt[0].unit) == (4.5, 5.5, "V")
    in_power = await aclient.analytics.measurement_list(
        f, sequence_filters="<Filters><Sequence>Power</Sequence></Filters>"
    )
    assert {m.step_name for m in in_power} == {"5V", "3V3"}
    everything = await aclient.analytics.measurement_list(f)
    assert len(everything) == 6

    statuses = await aclient.analytics.step_status_list(f, step_filters='<F><S path="%¶5V"/></F>')
    assert [(s.serial_number, s.status) for s in statuses] == [("S2", "Failed"), ("S1", "Passed")]
    assert {(s.pass_count, s.fail_count, s.total_count) for s in statuses} == {(1, 1, 2)}


@pytest.mark.anyio
async def test_recent_lists_by_ids_and_days(aclient: AsyncWATS, unique: str) -> None:
    pn = f"DDR-{unique}"
    await _submit(aclient, pn, "R1", 5.0, 0)
    recent = await aclient.analytics.measurement_list_recent(
        1, step_filters='<Filters><Step name="RSSI"/></Filters>'
    )
    assert ("R1", -40.0) in [(m.serial_number, m.value) for m in recent if m.part_number == pn]
    steps = await aclient.analytics.step_status_list_recent(
        1, step_filters='<Filters><Step name="RSSI"/></Filters>'
    )
    assert any(s.serial_number == "R1" and s.part_number == pn for s in steps)


@pytest.mark.anyio
async def test_bad_filters_and_ids_are_400_naming_the_parameter(aclient: AsyncWATS) -> None:
    with pytest.raises(BadRequestError, match="stepFilters: expected an XML filter document"):
        await aclient.analytics.measurement_list(step_filters="<unclosed")
    with pytest.raises(BadRequestError, match="levelId"):
        await aclient.analytics.step_status_list_recent(7, level_id="abc")
    with pytest.raises(BadRequestError, match="days"):
        await aclient.analytics.measurement_list_recent(0)


@pytest.mark.anyio
async def test_internal_top_failed_by_ids(aclient: AsyncWATS, unique: str) -> None:
    pn = f"DDT-{unique}"
    await _submit(aclient, pn, "T1", 6.0, 0)
    (step,) = await aclient.analytics.top_failed_recent(days=1, part_number=pn, process_code=50)
    assert (step.step_name, step.fail_count) == ("5V", 1)
    with pytest.raises(BadRequestError, match="processCode: no process with code 4242"):
        await aclient.analytics.top_failed_recent(process_code=4242)
