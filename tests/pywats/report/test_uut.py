"""`UUTReport.new`: defaults (id, start, station) and explicit values."""

from __future__ import annotations

import re
import socket
import uuid
from datetime import datetime, timedelta, timezone

from pywats.report import UURReport, UUTReport, read_wsjf, write_wsjf


def new_uut(**overrides: object) -> UUTReport:
    args: dict[str, object] = {
        "part_number": "PCBA-1",
        "serial_number": "SN0001",
        "revision": "A",
        "process_code": 100,
        "location": "Line 2",
        "purpose": "Production",
    }
    args.update(overrides)
    return UUTReport.new(**args)  # type: ignore[arg-type]


def test_new_uut_defaults_id_start_and_station() -> None:
    before = datetime.now(timezone.utc)
    report = new_uut(operator="op7")
    assert uuid.UUID(report.id).version == 4
    assert report.id == report.id.lower()
    assert report.station_name == socket.gethostname()
    assert report.start is not None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}[+-]\d\d:\d\d", report.start)
    started = report.start.to_datetime()
    assert started.utcoffset() == datetime.now().astimezone().utcoffset()
    assert before - timedelta(seconds=1) <= started <= datetime.now(timezone.utc)
    assert (report.type, report.result, report.process_code) == ("T", "P", 100)
    assert report.uut is not None
    assert report.uut.user == "op7"
    assert report.root.name == "MainSequence Callback"
    assert report.root.id == 1


def test_new_uut_takes_explicit_values() -> None:
    start = datetime(2026, 3, 2, 8, 15, 30, 125000, tzinfo=timezone(timedelta(hours=1)))
    report_id = uuid.UUID("5F0C8A52-9D2E-4C1B-A3F4-7E6D2B1C0A99")
    report = new_uut(station_name="FCT-3", start=start, id=report_id)
    assert report.id == "5f0c8a52-9d2e-4c1b-a3f4-7e6d2b1c0a99"
    assert report.start == "2026-03-02T08:15:30.1250000+01:00"
    assert report.station_name == "FCT-3"
    assert new_uut(start="2026-03-02T08:15:30.93Z").start == "2026-03-02T08:15:30.93Z"


def test_read_only_methods_never_add_a_missing_root() -> None:
    text = '{"type":"T","id":"a","pn":"P","sn":"S","rev":"A","processCode":10,"result":"F"}'
    report = read_wsjf(text)
    assert isinstance(report, UUTReport)
    assert report.steps() == []
    assert report.evaluate() == "F"
    UURReport.from_uut(report, category="Component", code="Burned Component", location="Lab")
    assert write_wsjf(report) == text
    assert report.root.steps == []  # the builders' entry point creates it
    assert "root" in report.raw
