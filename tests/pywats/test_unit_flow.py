"""`client.unit_flow` against the in-process server: the units' paths through the operations,
computed from their reports, kept as a per-session view (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pywats import AsyncWATS, BadRequestError, UnitFlowFilter
from pywats.report import UUTReport

START = datetime(2026, 11, 2, 8, tzinfo=timezone.utc)


def _report(pn: str, sn: str, code: int, minutes: int, passed: bool, station: str) -> UUTReport:
    uut = UUTReport.new(
        operator="operator",
        part_number=pn,
        serial_number=sn,
        revision="A",
        process_code=code,
        station_name=station,
        location="Lab",
        purpose="Test",
        start=START + timedelta(minutes=minutes),
    )
    uut.root.add_sequence("Power").add_numeric("5V", 5.0 if passed else 9.0, low=4.5, high=5.5)
    uut.propagate_failures()
    return uut


@pytest.fixture
async def flow_product(aclient: AsyncWATS, unique: str) -> str:
    """U1: PCBA test (fail), PCBA test again (pass), Burn In (pass); U2: PCBA test (pass),
    Burn In (fail); U3: PCBA test (pass) only."""
    pn = f"FLOW-{unique}"
    for sn, code, minutes, passed, station in (
        ("U1", 50, 0, False, "ST-A"),
        ("U1", 50, 10, True, "ST-B"),
        ("U1", 90, 30, True, "ST-C"),
        ("U2", 50, 5, True, "ST-A"),
        ("U2", 90, 45, False, "ST-C"),
        ("U3", 50, 20, True, "ST-B"),
    ):
        await aclient.reports.submit(_report(pn, sn, code, minutes, passed, station))
    return pn


@pytest.mark.anyio
async def test_flow_counts_units_at_nodes_and_along_links(
    aclient: AsyncWATS, flow_product: str
) -> None:
    flow = await aclient.unit_flow.query(UnitFlowFilter(part_number=flow_product))

    assert flow.total_units == 3
    nodes = {n.process_code: n for n in flow.nodes}
    assert sorted(nodes) == [50, 90]
    pcba, burn_in = nodes[50], nodes[90]
    assert (pcba.name, pcba.unit_count, pcba.pass_count, pcba.fail_count) == ("PCBA test", 3, 3, 0)
    assert (burn_in.unit_count, burn_in.pass_count, burn_in.yield_percent) == (2, 1, 50.0)
    links = {(link.source_id, link.target_id): link for link in flow.links}
    assert set(links) == {("50", "50"), ("50", "90")}
    assert (links[("50", "50")].unit_count, links[("50", "50")].fail_count) == (1, 1)
    assert links[("50", "90")].unit_count == 2
    assert links[("50", "90")].avg_time == pytest.approx((20 * 60 + 40 * 60) / 2)
    units = {u.serial_number: u for u in flow.units}
    assert units["U1"].node_path == ["PCBA test", "PCBA test", "Burn In test"]
    assert (units["U2"].status, units["U2"].current_node) == ("Failed", "Burn In test")
    assert [u.serial_number for u in flow.units] == ["U1", "U2", "U3"]  # by start time


@pytest.mark.anyio
async def test_the_session_keeps_the_selection_while_the_view_changes(
    aclient: AsyncWATS, flow_product: str
) -> None:
    assert await aclient.unit_flow.list_nodes() == []  # nothing selected in this session yet
    await aclient.unit_flow.query(UnitFlowFilter(part_number=flow_product, include_passed=False))
    (failed,) = await aclient.unit_flow.list_units()
    assert failed.serial_number == "U2"

    await aclient.unit_flow.query_serial_numbers(
        ["U1", "U3"], UnitFlowFilter(part_number=flow_product)
    )
    split = await aclient.unit_flow.split_by("stationName")
    assert sorted(n.id for n in split.nodes) == ["50/ST-A", "50/ST-B", "90/ST-C"]
    assert {n.station_name for n in split.nodes} == {"ST-A", "ST-B", "ST-C"}
    assert split.total_units == 2

    ordered = await aclient.unit_flow.order_units("totalTime desc")
    assert [u.serial_number for u in ordered.units] == ["U1", "U3"]
    hidden = await aclient.unit_flow.set_visibility(hide=["Burn In test"])
    assert {n.id: n.is_visible for n in hidden.nodes} == {
        "50/ST-A": True,
        "50/ST-B": True,
        "90/ST-C": False,
    }
    assert [u.serial_number for u in await aclient.unit_flow.list_units()] == ["U1", "U3"]
    links = await aclient.unit_flow.list_links()
    assert {(link.source_id, link.target_id, link.is_visible) for link in links} == {
        ("50/ST-A", "50/ST-B", True),
        ("50/ST-B", "90/ST-C", False),
    }


@pytest.mark.anyio
async def test_bad_keys_are_refused_naming_them(aclient: AsyncWATS) -> None:
    with pytest.raises(BadRequestError, match="splitBy"):
        await aclient.unit_flow.split_by("colour")
    with pytest.raises(BadRequestError, match="unitOrder"):
        await aclient.unit_flow.order_units("shoeSize")
    with pytest.raises(BadRequestError, match="serialNumbers"):
        await aclient.unit_flow.query_serial_numbers([])
