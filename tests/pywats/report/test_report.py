"""Report builders: `UUTReport.new`, `UURReport.new`, `UURReport.from_uut`, header helpers."""

from __future__ import annotations

import re
import socket
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pywats.report import Attachment, UURReport, UUTReport, read_wsjf, write_wsjf


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


def test_header_helpers_write_the_exported_shapes(tmp_path: Path) -> None:
    report = new_uut()
    report.add_misc_info("Firmware", "2.4.1")
    report.add_misc_info("Temperature", numeric=21.5)
    report.add_sub_unit("PSU", "PSU-200", "P998877", "A")
    report.add_asset("DMM-42")
    picture = tmp_path / "board.png"
    picture.write_bytes(b"\x89PNG...")
    report.attach(picture)
    report.attach(b"log line\n", name="run.log", content_type="text/plain")
    raw = report.raw
    assert raw["miscInfos"] == [
        {"description": "Firmware", "text": "2.4.1", "numeric": None},
        {"description": "Temperature", "text": None, "numeric": 21.5},
    ]
    assert raw["subUnits"] == [
        {"partType": "PSU", "pn": "PSU-200", "rev": "A", "sn": "P998877", "position": 0}
    ]
    assert raw["assets"] == [{"sn": "DMM-42", "usageCount": 1}]
    png, log = report.attachments
    assert (png.name, png.content_type, png.content) == ("board.png", "image/png", b"\x89PNG...")
    assert (log.name, log.content_type, log.data) == ("run.log", "text/plain", "bG9nIGxpbmUK")
    assert read_wsjf(write_wsjf(report)) == report


def test_step_attachment_from_bytes_needs_a_name() -> None:
    step = new_uut().root.add_action("capture")
    with pytest.raises(ValueError, match="needs a name"):
        step.attach(b"\x00")
    step.attach(b"\x00\x01", name="dump.bin")
    assert step.attachment == Attachment(
        {"name": "dump.bin", "contentType": "application/octet-stream", "data": "AAE="}
    )


def test_new_uur_has_the_main_unit_and_the_repair_header() -> None:
    report = UURReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=500,
        test_process_code=100,
        station_name="REPAIR-1",
        location="Line 2",
        purpose="Repair",
        operator="tech3",
        ref_uut="5f0c8a52-9d2e-4c1b-a3f4-7e6d2b1c0a99",
    )
    assert report.type == "R"
    assert report.uur is not None
    assert (report.uur.user, report.uur.process_code) == ("tech3", 100)
    main = report.main_unit
    assert (main.idx, main.part_type, main.serial_number) == (0, "Main", "SN0001")
    failure = main.add_failure("Component", "Wrong value", com_ref="R17", ref_step_id=4)
    assert failure.raw["refStepId"] == 4
    assert "refStepName" not in failure.raw
    extra = report.add_sub_unit("PSU", "PSU-200", "P1", "A", replaced_idx=None)
    assert extra.idx == 1
    assert extra.parent_idx == 0
    assert read_wsjf(write_wsjf(report)) == report


def test_uur_from_uut_references_the_report_and_its_failed_steps() -> None:
    uut = new_uut(operator="op7")
    seq = uut.root.add_sequence("Power")
    seq.add_numeric("ok", 1.0, low=0.0)
    bad = seq.add_numeric("bad", 9.0, high=5.0)
    uut.propagate_failures()
    uur = UURReport.from_uut(uut, category="Component", code="Burned Component", operator="t")
    assert uur.uur is not None
    assert uur.uur.ref_uut == uut.id
    assert uur.uur.process_code == 100
    assert uur.process_code == 500
    assert (uur.part_number, uur.serial_number, uur.revision) == ("PCBA-1", "SN0001", "A")
    assert [f.ref_step_id for f in uur.main_unit.failures] == [bad.id]
    assert uur.main_unit.failures[0].category == "Component"


def test_sample_uur_reads_its_repair_data(samples: Path) -> None:
    report = read_wsjf((samples / "wats" / "uur-example.json").read_text())
    assert isinstance(report, UURReport)
    assert report.uur is not None
    assert report.uur.confirm_date is not None
    assert report.uur.confirm_date.to_datetime().tzinfo == timezone.utc
    (failure,) = report.main_unit.failures
    assert (failure.category, failure.code, failure.ref_step_name) == (
        "Component",
        "Burned Component",
        "MainSequence Callback",
    )
