"""Raw and aggregated measurements agree with the generated values and their capability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pywats import APIStatusError, AsyncWATS, WATSFilter

if TYPE_CHECKING:
    from conftest import Dataset

pytestmark = pytest.mark.anyio

SEP = "\u00b6"


async def test_raw_values_of_one_path_for_one_unit(analytics: AsyncWATS, dataset: Dataset) -> None:
    unit = next(u for u in dataset.units if len(u.runs) >= 3)
    path = next(p for p in unit.runs[0].values if p.endswith("3V3 rail"))
    f = WATSFilter(serial_number=unit.serial, test_operation=unit.process_name)

    rows = await analytics.analytics.measurements([path], f)

    newest_first = sorted(unit.runs, key=lambda r: r.start, reverse=True)
    assert [(row.report_id, row.value) for row in rows] == [
        (run.report_id, pytest.approx(run.values[path])) for run in newest_first
    ]
    assert {(row.limit_low, row.limit_high, row.unit) for row in rows} == {(3.2, 3.4, "V")}
    assert [row.status for row in rows] == [
        "Failed" if run.failed_step == path else "Passed" for run in newest_first
    ]


async def test_wildcard_paths_and_max_count(analytics: AsyncWATS) -> None:
    f = WATSFilter(part_number="AN-CTRL-3", max_count=7)
    rows = await analytics.analytics.measurements(f"%{SEP}Gain{SEP}{SEP}%", f)

    assert len(rows) == 7
    assert {row.step_path.rsplit(SEP, 1)[-1] for row in rows} <= {"Ch1", "Ch2"}
    starts = [row.start_utc or "" for row in rows]
    assert starts == sorted(starts, reverse=True)


async def test_aggregated_statistics_per_product_revision(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    rows = await analytics.analytics.aggregated_measurements(
        f"%{SEP}RF{SEP}Gain{SEP}{SEP}Ch2;%5V rail", WATSFilter(test_operation="End of line test")
    )

    got = {(row.step_path, row.part_number, row.revision): row for row in rows}
    values: dict[tuple[str, str, str], list[float]] = {}
    for unit, run in dataset.reports():
        if unit.process_code == 100:
            for path in run.values:
                if path.endswith(("Ch2", "5V rail")):
                    values.setdefault((path, unit.part_number, unit.revision), []).append(
                        run.values[path]
                    )
    assert set(got) == set(values)
    for key, measured in values.items():
        expected = dataset.capability(measured, *((18.0, 22.0) if "Gain" in key[0] else (4.8, 5.2)))
        row = got[key]
        assert row.count == expected["count"]
        for name in ("avg", "stdev", "var", "min", "max", "cp", "cpk"):
            assert getattr(row, name) == pytest.approx(expected[name], rel=1e-9), (key, name)
        assert row.cp_lower == pytest.approx(expected["cpLower"], rel=1e-9)


async def test_measurement_paths_are_required(analytics: AsyncWATS) -> None:
    with pytest.raises(APIStatusError, match="measurementPaths"):
        await analytics.analytics.aggregated_measurements("", WATSFilter(part_number="AN-PSU-2"))
