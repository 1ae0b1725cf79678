"""The converter base class, sources and conversion errors."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pywats_client import Station
from pywats_client.converters import (
    COMMON_PARAMETERS,
    REPORT_ID_NAMESPACE,
    ConversionError,
    Converter,
    Parameter,
    ParameterError,
    Source,
    report_id,
)


class Lines(Converter):
    """Counts non-empty lines; enough to exercise the base class."""

    name = "lines"
    patterns = ("*.txt",)
    parameters = (*COMMON_PARAMETERS, Parameter("minimum", int, 1, "Lines required."))

    def convert(self, source: Source) -> list[object]:  # type: ignore[override]
        lines = [line for line in self.text(source).splitlines() if line.strip()]
        if len(lines) < int(self.values["minimum"] or 0):
            raise source.error(f"expected at least {self.values['minimum']} lines", "end of file")
        return list(lines)


def source(data: bytes, name: str = "ICT-01") -> Source:
    return Source(path=Path("in/result.txt"), data=data, station=Station(name))


def test_report_ids_are_deterministic_per_station_file_and_index() -> None:
    first = source(b"a\nb\n")
    assert first.report_id(0) == source(b"a\nb\n").report_id(0)
    assert first.report_id(0) != first.report_id(1)
    assert first.report_id(0) != source(b"a\nb\n", name="ICT-02").report_id(0)
    assert first.report_id(0) != source(b"a\nc\n").report_id(0)
    expected = uuid.uuid5(REPORT_ID_NAMESPACE, f"ICT-01\n{first.sha256}\n0")
    assert first.report_id(0) == str(expected) == report_id("ICT-01", first.sha256, 0)


def test_text_drops_bom_and_honours_encoding() -> None:
    assert source("\ufeffæ".encode()).text() == "æ"
    assert source("æ".encode("latin-1")).text("latin-1") == "æ"


def test_undecodable_text_names_file_and_offset() -> None:
    with pytest.raises(ConversionError, match=r"in/result.txt: byte 2: not valid utf-8"):
        source(b"ab\xff").text()


def test_converter_validates_parameters_on_construction() -> None:
    assert Lines({"minimum": 3}).values["minimum"] == 3
    with pytest.raises(ParameterError, match="'minimum'"):
        Lines({"minimum": "three"})


def test_conversion_error_names_file_and_place() -> None:
    with pytest.raises(ConversionError) as caught:
        Lines({"minimum": 3}).convert(source(b"one\n"))
    assert str(caught.value) == "in/result.txt: end of file: expected at least 3 lines"
    assert caught.value.reason == "expected at least 3 lines"
    assert caught.value.where == "end of file"


def test_number_parsing_honours_decimal_comma() -> None:
    src = source(b"")
    assert Lines({"decimal_comma": True}).number("3,25", src, "line 1") == 3.25
    assert Lines().number(" 1e3 ", src, "line 1") == 1000.0
    with pytest.raises(ConversionError, match="line 7: expected a number, got 'x'"):
        Lines().number("x", src, "line 7")


def test_abstract_converter_cannot_be_built() -> None:
    with pytest.raises(TypeError):
        Converter()  # type: ignore[abstract]
