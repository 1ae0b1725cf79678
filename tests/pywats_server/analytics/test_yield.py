"""Yield figures from the server (through the SDK) equal those computed from the generated data."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from pywats import APIStatusError, AsyncWATS, Dimensions, WATSFilter, YieldData

if TYPE_CHECKING:
    from conftest import Dataset, Unit

pytestmark = pytest.mark.anyio

KPIS = (
    "unitCount", "fpCount", "spCount", "tpCount", "lpCount", "fpFailCount", "spFailCount",
    "tpFailCount", "lpFailCount", "fpy", "spy", "tpy", "lpy", "ppmFpy", "ppmSpy", "ppmTpy",
    "ppmLpy", "testReportCount", "testYieldCount", "testYield", "ppmTestYield", "retestCount",
    "firstUtc", "lastUtc",
)  # fmt: skip


def _figures(row: YieldData) -> dict[str, Any]:
    data = row.model_dump(by_alias=True)
    return {kpi: pytest.approx(data[kpi]) for kpi in KPIS}


def _by(rows: list[YieldData], *names: str) -> dict[Any, dict[str, Any]]:
    result = {}
    for row in rows:
        data = row.model_dump(by_alias=True)
        key = tuple(data[name] for name in names)
        assert key not in result, f"group {key} returned twice"
        result[key] = _figures(row)
    return result


async def test_part_number_by_week_matches_the_data(analytics: AsyncWATS, dataset: Dataset) -> None:
    rows = await analytics.analytics.dynamic_yield(Dimensions().part_number().period("week"))

    expected = dataset.yield_figures(
        dataset.units, lambda u: (u.part_number, dataset.week(u.runs[0].start))
    )
    assert _by(rows, "partNumber", "period") == expected
    assert len(expected) >= 12  # several products x four or five weeks


async def test_station_operation_and_revision_by_month(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    dims = Dimensions().station().test_operation().revision().period("month")
    rows = await analytics.analytics.dynamic_yield(dims)

    def key(u: Unit) -> tuple[str, str, str, str]:
        first = u.runs[0]
        return (first.station, u.process_name, u.revision, first.start.strftime("%Y-%m"))

    expected = dataset.yield_figures(dataset.units, key)
    assert _by(rows, "stationName", "testOperation", "revision", "period") == expected


@pytest.mark.parametrize(
    ("unit", "label"),
    [
        ("year", lambda d: f"{d.year}"),
        ("quarter", lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}"),
        ("day", lambda d: d.strftime("%Y-%m-%d")),
    ],
)
async def test_period_labels(analytics: AsyncWATS, dataset: Dataset, unit: Any, label: Any) -> None:
    rows = await analytics.analytics.dynamic_yield(Dimensions().period(unit))

    expected = dataset.yield_figures(dataset.units, lambda u: (label(u.runs[0].start),))
    assert _by(rows, "period") == expected
    assert [r.period for r in rows] == sorted(k[0] for k in expected)


async def test_no_dimensions_is_one_total_row(analytics: AsyncWATS, dataset: Dataset) -> None:
    rows = await analytics.analytics.dynamic_yield("")

    expected = dataset.yield_figures(dataset.units, lambda u: ())
    assert [_figures(row) for row in rows] == [expected[()]]
    total = expected[()]
    # Retests and units that never pass are present, so every pass level differs.
    assert total["fpCount"] < total["spCount"] < total["tpCount"] <= total["lpCount"]
    assert total["retestCount"] > 0


async def test_misc_info_dimension_and_hourly_periods(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    day = datetime(2026, 10, 14, tzinfo=timezone.utc)
    f = WATSFilter(date_from=day, date_to=day + timedelta(days=1, microseconds=-1))
    dims = Dimensions().by("miscInfoString").period("hour")
    rows = await analytics.analytics.dynamic_yield(dims, f)

    chosen = [u for u in dataset.units if u.runs[0].start.date() == day.date()]
    expected = dataset.yield_figures(
        chosen, lambda u: (u.runs[0].lot, u.runs[0].start.strftime("%Y-%m-%d %H:00"))
    )
    assert _by(rows, "miscInfoString", "period") == expected


@pytest.mark.parametrize(
    ("f", "chosen"),
    [
        (WATSFilter(part_number="AN-PCBA%"), lambda u: u.part_number == "AN-PCBA-1"),
        (
            WATSFilter(part_number="AN-PSU-2;AN-CTRL-_"),
            lambda u: u.part_number in ("AN-PSU-2", "AN-CTRL-3"),
        ),
        (WATSFilter(station_name="ST-2"), lambda u: u.runs[0].station == "ST-2"),
        (WATSFilter(test_operation="PCBA test"), lambda u: u.process_code == 50),
        (WATSFilter(misc_info_string="LOT-B"), lambda u: u.runs[0].lot == "LOT-B"),
        (
            WATSFilter(misc_description="Fixture lot", misc_value="LOT-A"),
            lambda u: u.runs[0].lot == "LOT-A",
        ),
        (WATSFilter(status="Failed;Error"), lambda u: u.runs[0].result in "FE"),
        (
            WATSFilter(
                date_from=datetime(2026, 10, 12, tzinfo=timezone.utc),
                date_to=datetime(2026, 10, 20, 12, tzinfo=timezone(timedelta(hours=2))),
            ),
            lambda u: datetime(2026, 10, 12) <= u.runs[0].start <= datetime(2026, 10, 20, 10),
        ),
    ],
    ids=["wildcard", "alternatives", "station", "operation", "misc", "pair", "status", "dates"],
)
async def test_filter_keys_select_units_by_their_first_run(
    analytics: AsyncWATS, dataset: Dataset, f: WATSFilter, chosen: Any
) -> None:
    rows = await analytics.analytics.dynamic_yield(Dimensions().part_number(), f)

    units = [u for u in dataset.units if chosen(u)]
    assert units
    assert _by(rows, "partNumber") == dataset.yield_figures(units, lambda u: (u.part_number,))


@pytest.mark.parametrize(
    ("f", "everything"),
    [
        (WATSFilter(sw_filename="eol.seq", sw_version="1.4.%"), True),
        (WATSFilter(sw_filename="eol.seq;other.seq", revision="A;B"), True),
        (WATSFilter(sw_version="1.5.0"), False),
        (WATSFilter(batch_number="B-1"), False),
        (WATSFilter(socket="3"), False),
        (WATSFilter(serial_number="NOBODY%"), False),
    ],
    ids=["software", "software-revision", "other-version", "batch", "socket", "serial"],
)
async def test_header_keys_select_all_or_nothing_of_uniform_data(
    analytics: AsyncWATS, dataset: Dataset, f: WATSFilter, everything: bool
) -> None:
    rows = await analytics.analytics.dynamic_yield("", f)

    if everything:
        assert [_figures(r) for r in rows] == [
            dataset.yield_figures(dataset.units, lambda u: ())[()]
        ]
    else:
        assert rows == []


async def test_period_count_counts_back_from_now(analytics: AsyncWATS, dataset: Dataset) -> None:
    today = datetime.now(timezone.utc).replace(tzinfo=None)
    monday = datetime(today.year, today.month, today.day) - timedelta(days=today.weekday())
    since = datetime(2026, 10, 19)  # a Monday in the middle of the generated weeks
    count = (monday - since).days // 7 + 1
    f = WATSFilter(period_count=count, include_current_period=True)
    rows = await analytics.analytics.dynamic_yield(Dimensions().period("week"), f)

    units = [u for u in dataset.units if u.runs[0].start >= since]
    assert 0 < len(units) < len(dataset.units)
    expected = dataset.yield_figures(units, lambda u: (dataset.week(u.runs[0].start),))
    assert _by(rows, "period") == expected

    before = WATSFilter(period_count=count, include_current_period=False, date_grouping=3)
    rows = await analytics.analytics.dynamic_yield(Dimensions().period("week"), before)
    units = [u for u in dataset.units if u.runs[0].start >= since - timedelta(weeks=1)]
    expected = dataset.yield_figures(units, lambda u: (dataset.week(u.runs[0].start),))
    assert _by(rows, "period") == expected


async def test_sort_caps_and_thresholds(analytics: AsyncWATS, dataset: Dataset) -> None:
    expected = dataset.yield_figures(dataset.units, lambda u: (u.part_number, u.runs[0].station))
    sizes = sorted(v["unitCount"] for v in expected.values())
    least = sizes[len(sizes) // 2]  # keeps about half of the groups
    dims = Dimensions().sort("unitCount", "desc").part_number().station()
    rows = await analytics.analytics.dynamic_yield(dims, WATSFilter(min_count=least))
    capped = await analytics.analytics.dynamic_yield(dims, WATSFilter(min_count=least, max_count=3))

    kept = [(k, v) for k, v in expected.items() if v["unitCount"] >= least]
    assert 0 < len(kept) < len(expected)
    ranked = [k for k, _ in sorted(kept, key=lambda item: (-item[1]["unitCount"], item[0]))]
    assert [(r.part_number, r.station_name) for r in rows] == ranked
    assert [(r.part_number, r.station_name) for r in capped] == ranked[:3]

    by_product = dataset.yield_figures(dataset.units, lambda u: u.part_number)
    threshold = math.ceil(sorted(v["fpy"] for v in by_product.values())[1])
    worst = await analytics.analytics.dynamic_yield(
        Dimensions().part_number().sort("fpy"), WATSFilter(yield_=threshold)
    )
    low = sorted((v["fpy"], k) for k, v in by_product.items() if v["fpy"] <= threshold)
    assert 0 < len(low) < len(by_product)
    assert [r.part_number for r in worst] == [k for _, k in low]


async def test_volume_high_volume_and_worst_yield(analytics: AsyncWATS, dataset: Dataset) -> None:
    expected = dataset.yield_figures(dataset.units, lambda u: (u.part_number, u.process_name))

    volume = await analytics.analytics.volume_yield()
    assert _by(volume, "partNumber", "testOperation") == expected
    assert [(r.part_number, r.test_operation) for r in volume] == sorted(expected)

    high = await analytics.analytics.high_volume(WATSFilter(top_count=3))
    by_volume = sorted(expected, key=lambda k: (-expected[k]["unitCount"], k))[:3]
    assert [(r.part_number, r.test_operation) for r in high] == by_volume

    worst = await analytics.analytics.worst_yield(WATSFilter(min_count=200))
    candidates = [k for k, v in expected.items() if v["unitCount"] >= 200]
    by_yield = sorted(candidates, key=lambda k: (expected[k]["fpy"], -expected[k]["unitCount"]))
    assert [(r.part_number, r.test_operation) for r in worst] == by_yield


async def test_product_name_and_groups_come_from_the_product_register(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    rows = await analytics.analytics.dynamic_yield(Dimensions().product_group().product_name())

    members = [(g, pn) for g, pns in dataset.groups.items() for pn in pns]
    expected = {}
    for group, pn in members:
        units = [u for u in dataset.units if u.part_number == pn]
        key = (group, dataset.names[pn])
        expected.update(dataset.yield_figures(units, lambda u, key=key: key))
    assert _by(rows, "productGroup", "productName") == expected

    boards = await analytics.analytics.dynamic_yield(
        Dimensions().part_number(), WATSFilter(product_group="Boards")
    )
    units = [u for u in dataset.units if u.part_number in dataset.groups["Boards"]]
    assert _by(boards, "partNumber") == dataset.yield_figures(units, lambda u: (u.part_number,))


async def test_high_volume_and_worst_yield_by_product_group(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    expected = {}
    for group, pns in dataset.groups.items():
        units = [u for u in dataset.units if u.part_number in pns]
        expected.update(
            dataset.yield_figures(units, lambda u, group=group: (group, u.process_name))
        )

    high = await analytics.analytics.high_volume_by_product_group()
    ranked = sorted(expected, key=lambda k: (-expected[k]["unitCount"], k))
    assert [(r.product_group, r.test_operation) for r in high] == ranked
    assert _by(high, "productGroup", "testOperation") == expected

    worst = await analytics.analytics.worst_yield_by_product_group(WATSFilter(top_count=2))
    by_yield = sorted(expected, key=lambda k: (expected[k]["fpy"], -expected[k]["unitCount"]))
    assert [(r.product_group, r.test_operation) for r in worst] == by_yield[:2]


async def test_keys_without_data_are_refused_not_ignored(analytics: AsyncWATS) -> None:
    with pytest.raises(APIStatusError, match="level") as caught:
        await analytics.analytics.worst_yield(WATSFilter(level="PCBA"))
    assert caught.value.status_code == 400
    with pytest.raises(APIStatusError, match="level"):
        await analytics.analytics.top_failed(WATSFilter(level="PCBA"))
    with pytest.raises(APIStatusError, match="unitType"):
        await analytics.analytics.dynamic_yield("unitType")


async def test_bad_dimensions_and_filters_name_the_problem(analytics: AsyncWATS) -> None:
    with pytest.raises(APIStatusError, match="'colour' is not a dimension"):
        await analytics.analytics.dynamic_yield("partNumber;colour")
    with pytest.raises(APIStatusError, match="expected '<name> \\[asc\\|desc\\]'"):
        await analytics.analytics.dynamic_yield("partNumber sideways")
    with pytest.raises(APIStatusError, match="Broken"):
        await analytics.analytics.dynamic_yield("partNumber", WATSFilter(status="Broken"))
    with pytest.raises(APIStatusError, match=r"dateFrom .* is after dateTo"):
        await analytics.analytics.dynamic_yield(
            "partNumber",
            WATSFilter(date_from=datetime(2026, 11, 2), date_to=datetime(2026, 11, 1)),
        )
