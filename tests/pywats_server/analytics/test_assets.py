"""Asset filter keys and dimensions agree with the assets the generated reports listed."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from pywats import AsyncWATS, Dimensions, WATSFilter, YieldData

if TYPE_CHECKING:
    from conftest import Dataset, Unit

pytestmark = pytest.mark.anyio

ALL = 100_000  # a cap above the number of reports: the report lists return every match


def _by(rows: list[YieldData], name: str) -> dict[Any, dict[str, Any]]:
    result = {}
    for row in rows:
        data = row.model_dump(by_alias=True)
        assert data[name] not in result, f"group {data[name]} returned twice"
        result[data[name]] = {
            key: pytest.approx(value) for key, value in data.items() if key in EXPECTED_KEYS
        }
    return result


EXPECTED_KEYS = ("unitCount", "fpCount", "lpCount", "fpy", "lpy", "testReportCount", "firstUtc")


def _expected(
    dataset: Dataset, units: list[Unit], groups: dict[Any, set[Any]]
) -> dict[Any, dict[str, Any]]:
    """Yield figures per group value, a unit counted under each value of its `groups` entry."""
    members: dict[Any, list[Unit]] = {}
    for unit in units:
        for value in groups[unit.serial, unit.process_code]:
            members.setdefault(value, []).append(unit)
    return {
        value: {
            key: figure
            for key, figure in dataset.yield_figures(found, lambda u: None)[None].items()
            if key in EXPECTED_KEYS
        }
        for value, found in members.items()
    }


async def test_yield_by_asset_counts_a_unit_under_each_asset_its_first_run_used(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    rows = await analytics.analytics.dynamic_yield(Dimensions().asset_serial_number())

    serials: dict[Any, set[str | None]] = {
        (u.serial, u.process_code): set(u.runs[0].assets) or {None} for u in dataset.units
    }
    expected = _expected(dataset, dataset.units, serials)
    assert _by(rows, "assetSerialNumber") == expected
    assert set(expected) == {"FX-1", "FX-2", "DMM-7", "FX-9", None}
    # Units whose first run used two assets are in two groups: more than all units together.
    assert sum(row.unit_count for row in rows) > len(dataset.units)


async def test_yield_by_asset_name_counts_each_name_once(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    rows = await analytics.analytics.dynamic_yield(Dimensions().asset_name())

    names = {
        (u.serial, u.process_code): {dataset.asset_names.get(s) for s in u.runs[0].assets} or {None}
        for u in dataset.units
    }
    assert _by(rows, "assetName") == _expected(dataset, dataset.units, names)
    assert {row.asset_name for row in rows} == {"Bed of nails", "Multimeter", None}


async def test_asset_filters_select_the_reports_that_used_a_matching_asset(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    async def uut_ids(f: WATSFilter) -> set[str]:
        return {r.uuid for r in await analytics.analytics.uut_reports(f)}

    def used(match: Any) -> set[str]:
        return {run.report_id for _, run in dataset.reports() if any(map(match, run.assets))}

    by_serial = await uut_ids(WATSFilter(asset_serial_number="FX-1;DMM-%", top_count=ALL))
    assert by_serial == used(lambda s: s == "FX-1" or s.startswith("DMM-"))
    by_name = await uut_ids(WATSFilter(asset_name="Bed of nails", top_count=ALL))
    assert by_name == used(lambda s: s in ("FX-1", "FX-2"))
    # Both keys must match the same asset: no fixture is named Multimeter.
    assert await uut_ids(WATSFilter(asset_serial_number="FX-%", asset_name="Multimeter")) == set()

    repairs = await analytics.analytics.uur_reports(WATSFilter(asset_name="Multi%", top_count=ALL))
    assert {r.uuid for r in repairs} == {
        r.report_id for r in dataset.repairs if "DMM-7" in r.assets
    }


async def test_yield_filtered_by_an_unregistered_asset(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    rows = await analytics.analytics.dynamic_yield(
        Dimensions().part_number(), WATSFilter(asset_serial_number="FX-9")
    )

    units = [u for u in dataset.units if "FX-9" in u.runs[0].assets]
    expected = dataset.yield_figures(units, lambda u: u.part_number)
    got = {row.part_number: row.unit_count for row in rows}
    assert got == {pn: figures["unitCount"] for pn, figures in expected.items()}


async def test_repairs_by_asset_serial_number(analytics: AsyncWATS, dataset: Dataset) -> None:
    rows = await analytics.analytics.dynamic_repair(Dimensions().asset_serial_number())

    used: list[set[str | None]] = [set(r.assets) or {None} for r in dataset.repairs]
    counts = Counter(serial for serials in used for serial in serials)
    total = sum(counts.values())
    got = {
        row.model_extra["assetSerialNumber"]: (row.repair_count, row.total_count)
        for row in rows
        if row.model_extra is not None
    }
    assert got == {serial: (n, total) for serial, n in counts.items()}


async def test_storing_the_reports_counted_every_use_of_a_registered_asset(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    listed = [a for _, run in dataset.reports() for a in run.assets]
    listed += [a for repair in dataset.repairs for a in repair.assets]
    uses = Counter(listed)
    for serial in dataset.asset_names:
        asset = await analytics.assets.get(serial)
        assert (asset.running_count, asset.total_count) == (uses[serial], uses[serial])
