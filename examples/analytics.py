"""Yield, failed steps and Cpk the way a quality engineer asks for them.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/analytics.py

Submits a small production day (two stations, retests of failed units) for a demo part number,
then prints first-pass and second-pass yield by station, the top failed steps and the Cpk of the
3V3 rail. Safe to run again: report ids are derived from the unit and run, so a rerun replaces
the same reports.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from pywats import WATS, Dimensions, WATSError, WATSFilter
from pywats.report import UUTReport

PART_NUMBER = "DEMO-ANALYTICS-1"
DAY = datetime(2026, 11, 23, 7, tzinfo=timezone.utc)
RAIL = "MainSequence Callback¶Power¶3V3 rail"


def run_report(serial: str, run: int, station: str, volts: float) -> UUTReport:
    report = UUTReport.new(
        operator="operator",
        part_number=PART_NUMBER,
        serial_number=serial,
        revision="A",
        process_code=100,
        station_name=station,
        location="Line 1",
        purpose="Production",
        start=DAY + timedelta(minutes=7 * int(serial[-3:]) + 30 * run),
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"pywats-example/{serial}/{run}"),
    )
    power = report.root.add_sequence("Power")
    power.add_numeric("3V3 rail", volts, low=3.2, high=3.4, unit="V")
    power.add_pass_fail("Power good", volts > 3.0)
    report.propagate_failures()
    return report


def main() -> None:
    rng = random.Random(1)
    with WATS() as client:
        for number in range(40):
            serial = f"DEMO-{number:03d}"
            station = ("ST-1", "ST-2")[number % 2]
            volts = rng.gauss(3.30, 0.03)
            client.reports.submit(run_report(serial, 1, station, volts))
            if not 3.2 <= volts <= 3.4:  # retest after a fix
                client.reports.submit(run_report(serial, 2, station, 3.30))

        product = WATSFilter(part_number=PART_NUMBER)
        print("station  units   FPY     SPY")
        for row in client.analytics.dynamic_yield(Dimensions().station(), product):
            print(f"{row.station_name:8} {row.unit_count:5} {row.fpy:6.1f}% {row.spy:6.1f}%")
        for step in client.analytics.top_failed(product):
            print(f"failed: {step.step_name} {step.fail_count} of {step.total_count}")
        for stats in client.analytics.aggregated_measurements(RAIL, product):
            print(f"3V3 rail: n={stats.count} mean={stats.avg:.3f} V Cpk={stats.cpk:.2f}")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
