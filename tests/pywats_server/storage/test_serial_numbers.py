"""Serial numbers render through a type's format and read back to the same value."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pywats_server.storage.serial_numbers import parse_serial, render_serial

FORMATS = ["PCB-######", "001A2B$$$$$$", "SN", "A#B#", "$$-rev"]


@given(st.sampled_from(FORMATS), st.integers(min_value=0, max_value=10**9))
def test_a_rendered_number_parses_to_its_value(format: str, value: int) -> None:
    assert parse_serial(format, render_serial(format, value)) == value


def test_numbers_not_written_by_the_format_have_no_value() -> None:
    assert parse_serial("PCB-####", "PCB-12") is None  # too short for the run
    assert parse_serial("PCB-####", "PCB-00x1") is None
    assert parse_serial("PCB-####", "XCB-0001") is None
    assert parse_serial("00$$$$", "00abcd") is None  # the format writes upper-case hex
    assert parse_serial("SN", "SN007") is None  # appended numbers have no leading zeros
    assert parse_serial("SN", "SN") is None
    assert parse_serial("00$$$$", "00ABCD") == 0xABCD
