"""WATS date-time text: verbatim storage, parsing of 0–7 fractional digits and offsets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pywats.report import Timestamp

UTC = timezone.utc
MINUS_5_30 = timezone(-timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("text", "expected", "ticks"),
    [
        (
            "2026-01-30T22:01:41.4707353+01:00",
            datetime(2026, 1, 30, 22, 1, 41, 470735, timezone(timedelta(hours=1))),
            4707353,
        ),
        ("2026-01-30T21:01:41.93Z", datetime(2026, 1, 30, 21, 1, 41, 930000, UTC), 9300000),
        ("2025-12-21T22:01:45+00:00", datetime(2025, 12, 21, 22, 1, 45, tzinfo=UTC), 0),
        ("2025-12-21T22:01:45.5-05:30", datetime(2025, 12, 21, 22, 1, 45, 500000, MINUS_5_30),
         5000000),
        ("2025-12-21T22:01:45", datetime(2025, 12, 21, 22, 1, 45), 0),
    ],
)  # fmt: skip
def test_parsing_keeps_the_text(text: str, expected: datetime, ticks: int) -> None:
    stamp = Timestamp(text)
    assert stamp == text
    assert stamp.to_datetime() == expected
    assert stamp.to_datetime().utcoffset() == expected.utcoffset()
    assert stamp.ticks == ticks


@pytest.mark.parametrize("text", ["2026-01-30 22:01:41", "2026-01-30T22:01:41.12345678Z", ""])
def test_malformed_text_names_itself(text: str) -> None:
    with pytest.raises(ValueError, match="is not a WATS date-time"):
        Timestamp(text).to_datetime()


def test_from_datetime_writes_seven_digits_and_the_offset() -> None:
    value = datetime(2026, 3, 2, 8, 15, 30, 125, timezone(timedelta(hours=-7)))
    assert Timestamp.from_datetime(value) == "2026-03-02T08:15:30.0001250-07:00"
    assert Timestamp.from_datetime(value).to_datetime() == value


def test_naive_datetimes_get_the_local_offset() -> None:
    stamp = Timestamp.from_datetime(datetime(2026, 3, 2, 8, 15, 30))
    assert (
        stamp.to_datetime().utcoffset() == datetime(2026, 3, 2, 8, 15, 30).astimezone().utcoffset()
    )


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+02:00", "9999-12-31T23:59:59-05:00", "0001-01-01T03:00:00+05:00"]
)
def test_instants_outside_the_calendar_in_utc_are_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="outside the calendar in UTC"):
        Timestamp(text).to_utc()


def test_the_calendar_edges_themselves_convert() -> None:
    assert Timestamp("0001-01-01T02:00:00+02:00").to_utc() == datetime(1, 1, 1, tzinfo=UTC)
    assert Timestamp("9999-12-31T23:59:59Z").to_utc() == datetime(
        9999, 12, 31, 23, 59, 59, tzinfo=UTC
    )
