"""The FT-200 converter on the sample files: run with `python -m pytest tests` in this folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from nordlys_converters import FT200Converter

from pywats_client import Station
from pywats_client.converters import ConversionError, ParameterError, Source

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
STATION = Station("FT200-1", location="Line 2", purpose="Production")


def source(name: str, data: bytes | None = None) -> Source:
    path = SAMPLES / name
    return Source(path, path.read_bytes() if data is None else data, STATION)


def test_a_passed_unit() -> None:
    converter = FT200Converter({"operation_code": 100, "fixture": "FX-7"})
    (report,) = converter.convert(source("PWR7-000123.ft200"))
    assert (report.serial_number, report.part_number, report.revision) == (
        "PWR7-000123",
        "PWR-BOARD-7",
        "B",
    )
    assert report.result == "P"
    assert (report.station_name, report.location, report.purpose) == (
        "FT200-1",
        "Line 2",
        "Production",
    )
    assert [step.name for step in report.root.steps] == [
        "Supply 3V3",
        "Supply 5V",
        "Idle current",
        "Ripple 5V",
    ]


def test_a_value_that_is_no_number_names_the_line() -> None:
    converter = FT200Converter({"operation_code": 100})
    with pytest.raises(ConversionError, match=r"line 7: expected a number, got 'OVLD'"):
        converter.convert(source("PWR7-000124-bad.ft200"))


def test_a_verdict_the_steps_contradict_is_refused() -> None:
    text = (SAMPLES / "PWR7-000123.ft200").read_text().replace("RESULT;PASS", "RESULT;FAIL")
    converter = FT200Converter({"operation_code": 100})
    with pytest.raises(ConversionError, match=r"the tester says FAIL, but .* say PASS"):
        converter.convert(source("PWR7-000123.ft200", text.encode()))


def test_the_operation_code_is_required() -> None:
    with pytest.raises(ParameterError, match="'operation_code': required"):
        FT200Converter({})
