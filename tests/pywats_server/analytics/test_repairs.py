"""Repair statistics and repair history agree with the repairs generated."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

from pywats import APIStatusError, AsyncWATS, Dimensions, WATSFilter

if TYPE_CHECKING:
    from conftest import Dataset

pytestmark = pytest.mark.anyio

SEP = "\u00b6"


async def test_repairs_by_category_code_and_referenced_step(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    dims = (
        Dimensions()
        .repair_category()
        .repair_code()
        .by("referencedStep")
        .sort("repairCount", "desc")
    )
    rows = await analytics.analytics.dynamic_repair(dims)

    counts = Counter(
        (r.category, r.code, (r.tested.failed_step or "").split(SEP)[-1]) for r in dataset.repairs
    )
    total = len(dataset.repairs)
    got = {
        (row.repair_category, row.repair_code, row.model_extra["referencedStep"]): (
            row.repair_count,
            row.repair_report_count,
            row.total_count,
            row.repair_rate,
        )
        for row in rows
    }
    assert got == {key: (n, n, total, pytest.approx(100 * n / total)) for key, n in counts.items()}
    assert [row.repair_count for row in rows] == sorted(counts.values(), reverse=True)


async def test_repairs_by_tested_station_and_week_for_one_product(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    dims = Dimensions().by("testStationName").period("week")
    rows = await analytics.analytics.dynamic_repair(dims, WATSFilter(part_number="AN-PCBA-1"))

    counts = Counter(
        (r.tested.station, dataset.week(r.start))
        for r in dataset.repairs
        if r.unit.part_number == "AN-PCBA-1"
    )
    assert {(row.model_extra["testStationName"], row.period): row.repair_count for row in rows} == (
        dict(counts)
    )


async def test_related_repair_history_lists_every_repair_newest_first(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    rows = await analytics.analytics.related_repair_history("AN-PSU-2", "A")

    repairs = sorted(
        (r for r in dataset.repairs if r.unit.part_number == "AN-PSU-2"),
        key=lambda r: r.start,
        reverse=True,
    )
    assert [
        (row.report_id, row.serial_number, row.fail_code, row.repair_code, row.fail_step_path)
        for row in rows
    ] == [(r.report_id, r.unit.serial, r.code, r.category, r.tested.failed_step) for r in repairs]
    assert rows[0].repair_date == dataset.iso(repairs[0].start)


async def test_unavailable_repair_dimension_is_refused(analytics: AsyncWATS) -> None:
    with pytest.raises(APIStatusError, match="'componentVendor' is not a dimension"):
        await analytics.analytics.dynamic_repair("componentVendor")


async def test_totals_without_dimensions_and_empty_answers(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    (total,) = await analytics.analytics.dynamic_repair("")
    assert (total.repair_count, total.repair_report_count, total.repair_rate) == (
        len(dataset.repairs),
        len(dataset.repairs),
        100.0,
    )
    assert await analytics.analytics.dynamic_repair("", WATSFilter(part_number="NOPE")) == []
    assert await analytics.analytics.related_repair_history("NOPE") == []
