"""Serial-number history and the UUT/UUR report lists select exactly the generated reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from pywats import AsyncWATS, WATSFilter

if TYPE_CHECKING:
    from conftest import AnalyticsServer, Dataset

pytestmark = pytest.mark.anyio


async def test_serial_number_history_is_every_report_oldest_first(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    serial = next(r.unit.serial for r in dataset.repairs if r.unit.process_code == 50)
    rows = await analytics.analytics.serial_number_history(WATSFilter(serial_number=serial))

    events = [(run.start, run.report_id, "T") for u, run in dataset.reports() if u.serial == serial]
    events += [(r.start, r.report_id, "R") for r in dataset.repairs if r.unit.serial == serial]
    assert [(row.uuid, row.report_type) for row in rows] == [(i, t) for _, i, t in sorted(events)]
    runs = [row.run for row in rows if row.report_type == "T" and row.process_code == 50]
    assert runs == list(range(1, len(runs) + 1))


async def test_uut_list_of_failed_first_runs(analytics: AsyncWATS, dataset: Dataset) -> None:
    f = WATSFilter(part_number="AN-CTRL-3", status="Failed", run=1, top_count=5000)
    rows = await analytics.analytics.uut_reports(f)

    expected = sorted(
        (
            (u.runs[0].start, u.runs[0].report_id)
            for u in dataset.units
            if u.part_number == "AN-CTRL-3" and u.runs[0].result == "F"
        ),
        reverse=True,
    )
    assert [row.uuid for row in rows] == [report_id for _, report_id in expected]


async def test_uur_list_and_its_cap(analytics: AsyncWATS, dataset: Dataset) -> None:
    rows = await analytics.analytics.uur_reports(WATSFilter(station_name="REPAIR-%", top_count=4))

    newest = sorted(dataset.repairs, key=lambda r: r.start, reverse=True)[:4]
    assert [row.uuid for row in rows] == [r.report_id for r in newest]
    assert {row.report_type for row in rows} == {"R"}


async def test_get_variant_takes_query_parameters(
    analytics_server: AnalyticsServer, dataset: Dataset
) -> None:
    transport = httpx.ASGITransport(app=analytics_server.app)
    headers = {"Authorization": f"Basic {analytics_server.token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://wats.test", headers=headers
    ) as http:
        response = await http.get(
            "/api/App/UutReport", params={"serialNumber": "AN0000_", "topCount": 1000}
        )
        bad = await http.get("/api/App/UutReport", params={"status": "Sideways"})

    assert response.status_code == 200
    expected = {run.report_id for u, run in dataset.reports() if u.serial.startswith("AN0000")}
    assert {row["uuid"] for row in response.json()} == expected
    assert bad.status_code == 400
    assert "status" in bad.json()["message"]
