"""The one text reader and number grammar of the in-circuit converters (`_ict`)."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from pywats_client._identity import Station
from pywats_client.converters._base import ConversionError, Source
from pywats_client.converters._ict import decimal, number, shifted, text_lines


def _source(data: bytes) -> Source:
    return Source(Path("board.log"), data, Station("ST"))


def test_lines_are_numbered_as_in_the_file_whatever_ends_them() -> None:
    data = b"a\r\n\r\nb\rc\n  \nd\n"
    assert list(text_lines(_source(data), "cp1252")) == [(1, "a"), (3, "b"), (4, "c"), (6, "d")]
    kept = list(text_lines(_source(data), "cp1252", blank=True))
    assert kept == [(1, "a"), (2, ""), (3, "b"), (4, "c"), (5, "  "), (6, "d")]
    assert list(text_lines(_source(b""), "cp1252", blank=True)) == []


def test_a_byte_order_mark_means_utf8_and_control_characters_are_dropped() -> None:
    data = b"\xef\xbb\xbf\xc2\xb5F\x01\tx\n"
    assert list(text_lines(_source(data), "cp1252")) == [(1, "\u00b5F\tx")]


def test_bytes_the_encoding_cannot_read_name_their_line() -> None:
    with pytest.raises(ConversionError, match="line 3"):
        list(text_lines(_source(b"a\nb\n\xff\xfe\n"), "utf-8", blank=True))


@pytest.mark.parametrize("text", ["1.5", " -2e3 ", ".5", "+7.", "NaN", "-inf", "Infinity"])
def test_floats_and_exact_decimals_read_the_same_grammar(text: str) -> None:
    exact, plain = decimal(text), number(text)
    assert exact is not None
    assert plain is not None
    assert float(exact) == plain or (math.isnan(plain) and exact.is_nan())


@pytest.mark.parametrize("text", ["", "1_000", "12abc", "0x10", "sNaN", "١٢"])
def test_what_is_no_number_is_none_in_both(text: str) -> None:
    assert decimal(text) is None
    assert number(text) is None


def test_a_decimal_comma_and_a_single_rounding_when_rescaled() -> None:
    value = decimal("1,198020E+05", decimal_comma=True)
    assert value == Decimal("119802.0")
    assert shifted(value, -6) == 0.119802
