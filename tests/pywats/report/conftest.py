"""Fixtures for the report tests: the real sample documents as text, and a fresh UUT report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pywats.report import UUTReport


@pytest.fixture(scope="session")
def samples_uut_text(samples: Path) -> str:
    """The real UUT export (WSJF) as text."""
    return (samples / "wats" / "uut-wsjf-export.json").read_text(encoding="utf-8")


def new_report() -> UUTReport:
    """An empty passing UUT report with fixed header values."""
    return UUTReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=100,
        station_name="FCT-3",
        location="Line 2",
        purpose="Production",
        operator="op",
    )
