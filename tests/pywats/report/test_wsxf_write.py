"""Writing WSXF: the export layout byte for byte, and model identity through XML."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pywats import ReportValidationError
from pywats.report import UURReport, UUTReport, read_wsjf, read_wsxf, write_wsxf


def test_xml_sample_writes_back_byte_for_byte(samples: Path) -> None:
    text = (samples / "wats" / "uut-wsxf-export.xml").read_text(encoding="utf-8")
    report = read_wsxf(text)
    assert isinstance(report, UUTReport)
    assert write_wsxf(report) == text


def test_json_sample_written_as_wsxf_is_the_real_xml_export(
    samples: Path, samples_uut_text: str
) -> None:
    report = read_wsjf(samples_uut_text)
    assert isinstance(report, UUTReport)
    assert write_wsxf(report) == (samples / "wats" / "uut-wsxf-export.xml").read_text()


def test_wsxf_model_wsxf_model_identity(samples: Path) -> None:
    first = read_wsxf((samples / "wats" / "uut-wsxf-export.xml").read_bytes())
    assert isinstance(first, UUTReport)
    second = read_wsxf(write_wsxf(first))
    assert second == first


def new_report() -> UUTReport:
    return UUTReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=100,
        station_name="FCT-3",
        location="Line 2",
        purpose="Production",
        operator="op",
        comment='line 1\nline 2 <&> "quoted"',
    )


def test_text_needing_escapes_survives() -> None:
    report = new_report()
    report.add_misc_info("Note", 'a < b & c > "d"\n\te')
    step = report.root.add_string("s", 'tab\there "q" & <x>', limit="\r\n")
    step.report_text = "multi\nline <text>"
    again = read_wsxf(write_wsxf(report))
    assert again == report


def test_non_finite_numbers_use_wats_text() -> None:
    report = new_report()
    report.root.add_numeric("nan", math.nan, low=0.0)
    step = report.root.add_numeric("big", 1.5e300, high=math.inf)
    assert step.measurement is not None
    step.raw["numericMeas"][0]["value"] = math.nan  # what json.loads gives for a NaN literal
    text = write_wsxf(report)
    assert 'NumericValue="NaN"' in text
    assert 'LowLimit="Infinity"' in text
    again = read_wsxf(text)
    assert isinstance(again, UUTReport)
    values = [s.raw["numericMeas"][0]["value"] for s in again.root.steps]
    assert values == ["NaN", "NaN"]


def test_uur_reports_have_no_known_wsxf_layout() -> None:
    report = UURReport.new(
        operator="operator",
        part_number="P",
        serial_number="S",
        revision="A",
        process_code=500,
        test_process_code=100,
        station_name="R",
        location="L",
        purpose="Repair",
    )
    with pytest.raises(ReportValidationError, match="only UUT reports have a known WSXF layout"):
        write_wsxf(report)


def test_validate_checks_submit_rules_first() -> None:
    report = new_report()
    report.serial_number = "bad*sn"
    write_wsxf(report)
    with pytest.raises(ReportValidationError, match=r"sn: 'bad\*sn' contains"):
        write_wsxf(report, validate=True)
