"""Reports of a few test programs whose step layouts differ, for the report shape tests.

Program 0 tests power and comms; program 1 adds an RF sequence with a multiple-numeric step and
runs one step twice under the same name (one path, two steps), whose second run fails in the
later reports; program 2 has no steps at all. Every fifth report with steps fails a step; every
seventh is resent with another program's layout under the same id (a replacement).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from pywats.report import UURReport, UUTReport, write_wsjf
from pywats_server.storage import Submission, extract_rows

__all__ = ["PART_NUMBER", "START", "submissions"]

PART_NUMBER = "SH-PCBA"
START = datetime(2026, 9, 7, 8, 0)


def _uut(n: int, program: int, report_id: str) -> UUTReport:
    report = UUTReport.new(
        part_number=PART_NUMBER,
        serial_number=f"SH-{n:03d}",
        revision="AB"[n % 2],
        process_code=100,
        station_name="ST-1",
        location="Plant 1",
        purpose="Production",
        start=(START + timedelta(hours=n)).replace(tzinfo=timezone.utc),
        id=report_id,
    )
    failing = n % 5 == 0
    if program != 2:
        power = report.root.add_sequence("Power")
        power.add_numeric("3V3 rail", 3.5 if failing else 3.3, low=3.2, high=3.4, unit="V")
        power.add_numeric("5V rail", 5.0 + n / 1000, low=4.8, high=5.2, unit="V")
        report.root.add_sequence("Comms").add_pass_fail("I2C ack", n % 3 != 0 or not failing)
    if program == 1:
        rf = report.root.add_sequence("RF")
        gain = rf.add_multi_numeric("Gain")
        gain.add_measurement("Ch1", 20.0 + n / 100, low=18.0, high=22.0, unit="dB")
        gain.add_measurement("Ch2", 25.0 if failing else 21.0, low=18.0, high=22.0, unit="dB")
        for attempt in range(2):
            rf.add_numeric("Retry", attempt + n / 10, high=3.0, unit="s")
    report.propagate_failures()
    return report


def _submission(report: UUTReport | UURReport) -> Submission:
    text = write_wsjf(report).encode()
    return Submission(extract_rows(json.loads(text), len(text)), text, "wsjf")


def submissions(count: int = 30) -> list[Submission]:
    """`count` UUT reports of the three programs, the resends, and a repair of the first."""
    result = []
    for n in range(count):
        report_id = str(uuid.UUID(int=n + 1, version=4))
        result.append(_submission(_uut(n, n % 3, report_id)))
        if n % 7 == 6:
            result.append(_submission(_uut(n, (n + 1) % 3, report_id)))
    repair = UURReport.from_uut(
        _uut(0, 0, str(uuid.UUID(int=1, version=4))),
        category="Component",
        code="Shorted",
        station_name="REPAIR-1",
        operator="carol",
        start=(START + timedelta(days=5)).replace(tzinfo=timezone.utc),
        id=str(uuid.UUID(int=10_000, version=4)),
    )
    result.append(_submission(repair))
    return result
