"""The header rules the converters share: times, zones, and values the file must provide."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pywats_client._identity import Station
from pywats_client.converters import ConversionError, Source
from pywats_client.converters._mapping import (
    localize,
    parse_iso,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import SiteDefaults

PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-06-23T10:55:04.3700000+02:00", datetime(2022, 6, 23, 10, 55, 4, 370000, PLUS_TWO)),
        ("2022-06-23T08:51:29.9940000Z", datetime(2022, 6, 23, 8, 51, 29, 994000, timezone.utc)),
        ("2019-03-11T15:06:37.4", datetime(2019, 3, 11, 15, 6, 37, 400000)),
        ("2019-03-11T15:06:37", datetime(2019, 3, 11, 15, 6, 37)),
        ("2019-03-11 15:06", datetime(2019, 3, 11, 15, 6)),
        ("yesterday", None),
        ("2019-13-01T00:00:00", None),
    ],
)
def test_parse_iso_reads_any_fraction_length(text: str, expected: datetime | None) -> None:
    assert parse_iso(text) == expected


def test_zone_names_and_localize() -> None:
    naive = datetime(2026, 7, 1, 12, 0)
    assert localize(naive, zone_from_name("+02:00")).utcoffset() == timedelta(hours=2)
    assert localize(naive, zone_from_name("Europe/Oslo")).utcoffset() == timedelta(hours=2)
    assert localize(naive, zone_from_name("UTC")).utcoffset() == timedelta(0)
    assert localize(naive, zone_from_name("local")).tzinfo is not None
    aware = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    assert localize(aware, zone_from_name("Europe/Oslo")) is aware
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        zone_from_name("Mars/Base")


def _source() -> Source:
    return Source(Path("unit.txt"), b"", Station("ST"))


def _defaults(**values: object) -> SiteDefaults:
    base: dict[str, object] = {"decimal_comma": False, "encoding": "utf-8"}
    return SiteDefaults.from_values({**base, **values})  # type: ignore[arg-type]


def test_unit_identity_prefers_the_file_then_the_parameters() -> None:
    found = unit_identity(
        _source(), _defaults(revision="B", operation_code=10), part_number="P-1",
        revision=None, process_code=None,
    )  # fmt: skip
    assert (found.part_number, found.revision, found.process_code) == ("P-1", "B", 10)
    with pytest.raises(ConversionError, match=r"unit.txt: header: .*'operation_code' is not set"):
        unit_identity(
            _source(), _defaults(revision="B"), part_number="P-1", revision=None,
            process_code=None, where="header",
        )  # fmt: skip
