"""The WSJF converter on the real WATS exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pywats.report import UURReport, UUTReport, write_wsjf
from pywats_client import Station
from pywats_client.converters import ConversionError, Source
from pywats_client.converters.wsjf import WSJFConverter


def source_of(path: Path, data: bytes | None = None) -> Source:
    return Source(path=path, data=path.read_bytes() if data is None else data, station=Station("S"))


@pytest.mark.parametrize(
    ("name", "kind"), [("uut-wsjf-export.json", UUTReport), ("uur-example.json", UURReport)]
)
def test_exports_convert_unchanged(samples: Path, name: str, kind: type) -> None:
    path = samples / "wats" / name
    (report,) = WSJFConverter().convert(source_of(path))
    assert isinstance(report, kind)
    assert json.loads(write_wsjf(report)) == json.loads(path.read_bytes())


def test_an_array_gives_every_report(samples: Path) -> None:
    one = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    two = dict(one, id="00000000-0000-0000-0000-000000000002", sn="SECOND")
    data = json.dumps([one, two]).encode()
    reports = WSJFConverter().convert(source_of(Path("batch.json"), data))
    assert [r.serial_number for r in reports] == ["FATTest-325", "SECOND"]


def test_defaults_fill_only_what_is_missing(samples: Path) -> None:
    document = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    document["pn"] = ""
    document["uut"]["user"] = None
    converter = WSJFConverter(
        {"part_number": "PN-DEFAULT", "operator": "night shift", "revision": "Z"}
    )
    (report,) = converter.convert(source_of(Path("r.json"), json.dumps(document).encode()))
    assert report.part_number == "PN-DEFAULT"
    assert report.raw["uut"]["user"] == "night shift"
    assert report.revision == "Rev1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"type": "T", "id": ', "r.json: not a WSJF report: .*not valid JSON.*line 1"),
        (b'{"type": "X"}', "r.json: not a WSJF report: .*type"),
        (b"\xff\xfe", "r.json: byte 0: not valid utf-8"),
    ],
)
def test_bad_files_raise_conversion_errors_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        WSJFConverter().convert(source_of(Path("r.json"), data))
