"""`$filter` literals: those the databases cannot take are refused by the parser, naming the
place; those at the edges are read exactly."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pywats_server.odata import ODataError, parse_filter
from pywats_server.odata._syntax import Comparison, Field, Literal


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("processCode eq 9223372036854775808", "number 9223372036854775808 at 15 is out of range"),
        ("processCode eq -9223372036854775809", "number -9223372036854775809 at 15"),
        ("processCode gt 1e999", "number 1e999 at 15 is out of range"),
        ("start gt 2026-13-45T00:00:00Z", "invalid date-time literal 2026-13-45T00:00:00Z at 9"),
        ("start gt 2026-02-30", "invalid date-time literal 2026-02-30 at 9"),
    ],
)
def test_literals_out_of_range_are_odata_errors(expression: str, message: str) -> None:
    with pytest.raises(ODataError, match=rf"^\$filter: {message}"):
        parse_filter(expression)


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("9223372036854775807", 9223372036854775807),
        ("-9223372036854775808", -9223372036854775808),
        ("1.5e300", 1.5e300),
        ("2024-02-29T23:59:59.1234567Z", datetime(2024, 2, 29, 23, 59, 59, 123456, timezone.utc)),
        ("2024-02-29", datetime(2024, 2, 29, tzinfo=timezone.utc)),
    ],
)
def test_literals_at_the_edges_are_read_exactly(literal: str, value: object) -> None:
    parsed = parse_filter(f"processCode eq {literal}")
    assert parsed == Comparison(
        "eq", Field("processCode", 0), Literal(value, len("processCode eq "))
    )
    assert type(parsed.right.value) is type(value)  # type: ignore[union-attr]
