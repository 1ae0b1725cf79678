"""`$filter` literals the databases cannot take are refused by the parser, naming the place."""

from __future__ import annotations

import pytest

from pywats_server.odata import ODataError, parse_filter


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
    "expression",
    [
        "processCode eq 9223372036854775807",
        "processCode eq -9223372036854775808",
        "processCode gt 1.5e300",
        "start gt 2024-02-29T23:59:59.1234567Z",
        "start gt 2024-02-29",
    ],
)
def test_literals_at_the_edges_are_accepted(expression: str) -> None:
    parse_filter(expression)
