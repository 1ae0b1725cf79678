"""One date-time grammar (wsjf.md §3) for the report model, the server's report index and the
OData literals: a text one of them accepts, all accept as the same instant; one refused, all
refuse."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from pywats.report import Timestamp, UUTReport, write_wsjf
from pywats_server.odata import ODataError, parse_filter
from pywats_server.odata._syntax import Comparison, Literal
from pywats_server.storage import ReportDocumentError, extract_rows

UTC = timezone.utc
ACCEPTED = {
    "2026-01-30T22:01:41.4707353+01:00": datetime(2026, 1, 30, 21, 1, 41, 470735, UTC),
    "2026-01-30T21:01:41Z": datetime(2026, 1, 30, 21, 1, 41, tzinfo=UTC),
    "2026-01-30T21:01:41.5-05:30": datetime(2026, 1, 31, 2, 31, 41, 500000, UTC),
    "2026-01-30T21:01:41": datetime(2026, 1, 30, 21, 1, 41, tzinfo=UTC),  # no offset: UTC
}
REFUSED = [
    "2024-01-01T10:00+0100",  # no seconds, offset without colon
    "2024-01-01T10:00:00+0100",
    "2024-01-01T10:00Z",
    "2024-01-01T10:00:00,5Z",
    "2026-01-30T22:01:41.12345678Z",  # 8 fractional digits
    "2026-13-01T00:00:00Z",
    "2026-01-01T00:00:00+24:00",
]


def _document(start: str) -> dict[str, object]:
    report = UUTReport.new(
        operator="operator",
        part_number="PCBA-1",
        serial_number="SN1",
        revision="A",
        process_code=10,
        station_name="S1",
        location="L",
        purpose="P",
    )
    document: dict[str, object] = json.loads(write_wsjf(report))
    document["start"] = start
    return document


def _odata_value(text: str) -> object:
    parsed = parse_filter(f"start gt {text}")
    assert isinstance(parsed, Comparison)
    assert isinstance(parsed.right, Literal)
    return parsed.right.value


@pytest.mark.parametrize(("text", "instant"), ACCEPTED.items())
def test_every_reader_accepts_the_same_instant(text: str, instant: datetime) -> None:
    assert Timestamp(text).to_utc() == instant
    assert _odata_value(text) == instant
    assert _odata_value(f"datetime'{text}'") == instant
    rows = extract_rows(_document(text), 100)
    assert rows.header["start_utc"] == instant.replace(tzinfo=None)


@pytest.mark.parametrize("text", REFUSED)
def test_every_reader_refuses_the_same_text(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        Timestamp(text).to_datetime()
    with pytest.raises(ODataError):
        parse_filter(f"start gt {text}")
    with pytest.raises(ODataError, match="invalid datetime literal"):
        parse_filter(f"start gt datetime'{text}'")
    with pytest.raises(ReportDocumentError, match=r"^start: expected"):
        extract_rows(_document(text), 100)


def test_local_offsets_are_kept_in_the_model() -> None:
    stamp = Timestamp("2026-01-30T22:01:41.4707353+01:00")
    assert stamp.to_datetime().utcoffset() == timedelta(hours=1)
