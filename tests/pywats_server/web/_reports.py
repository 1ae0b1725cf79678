"""Reports for the page tests: built with the SDK's report model, submitted through the API."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import httpx

from pywats.report import ChartSeries, UUTReport, write_wsjf

XSS = "<script>alert(1)</script>"


def board_report(
    serial: str, *, part: str = "WEB-100", passed: bool = True, start: datetime | None = None,
    station: str = "WEB-FCT-1", step_name: str = "3V3 rail",
) -> UUTReport:  # fmt: skip
    """A functional test: a Power sequence with a numeric step (failing when not `passed`),
    a pass/fail step, a chart with limit curves and a misc info."""
    start = start or datetime.now(timezone.utc) - timedelta(hours=1)
    report = UUTReport.new(
        part_number=part, serial_number=serial, revision="A", process_code=10,
        station_name=station, location="Line 1", purpose="Production", operator="ada",
        start=start, id=uuid.uuid4(),
    )  # fmt: skip
    power = report.root.add_sequence("Power")
    power.add_numeric(step_name, 3.31 if passed else 3.61, low=3.2, high=3.4, unit="V")
    power.add_pass_fail("Power good", True)
    response = report.root.add_sequence("Audio").add_chart(
        "Frequency response", chart_type="LineLogX", label="Response", x_label="f", x_unit="Hz",
        y_label="level", y_unit="dB",
        series=[
            ChartSeries.new("measured", [20, 200, 2000, 20000], [-3, 0, 0.5, -2]),
            ChartSeries.new("max", [20, 20000], [3, 3]),
            ChartSeries.new("min", [20, 20000], [-6, -6]),
        ],
    )  # fmt: skip
    response.status = "P"
    report.add_misc_info("Firmware", "1.2.3")
    report.propagate_failures()
    return report


async def submit(api: httpx.AsyncClient, report: UUTReport) -> str:
    response = await api.post("/api/Report/WSJF", content=write_wsjf(report).encode())
    assert response.status_code == 200, response.text
    return str(report.id)
