"""The WSXF converter on the real WATS export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pywats.report import UUTReport
from pywats_client import Station
from pywats_client.converters import ConversionError, Source
from pywats_client.converters.wsxf import WSXFConverter


def source_of(path: Path, data: bytes) -> Source:
    return Source(path=path, data=data, station=Station("S"))


def test_export_converts_to_the_same_report_as_its_wsjf_twin(samples: Path) -> None:
    xml = samples / "wats" / "uut-wsxf-export.xml"
    (report,) = WSXFConverter().convert(source_of(xml, xml.read_bytes()))
    twin = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    assert isinstance(report, UUTReport)
    assert report.id == twin["id"]  # lower case, as JSON writes ids
    assert (report.serial_number, report.part_number) == (twin["sn"], twin["pn"])


def test_every_report_element_becomes_a_report(samples: Path) -> None:
    text = (samples / "wats" / "uut-wsxf-export.xml").read_text(encoding="utf-8")
    start, end = text.index("<Report "), text.rindex("</Report>") + len("</Report>")
    element = text[start:end]
    second = element.replace(
        'ID="33A2D408-3FC8-480B-B554-6866C77FD91C"', 'ID="00000000-0000-0000-0000-00000000000B"'
    )
    doubled = text[:end] + second + text[end:]
    reports = WSXFConverter().convert(source_of(Path("two.xml"), doubled.encode()))
    assert [r.id for r in reports] == [
        "33a2d408-3fc8-480b-b554-6866c77fd91c",
        "00000000-0000-0000-0000-00000000000b",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Reports><Report", r"two\.xml: not a WSXF document: .*line 1"),
        (b"<Other/>", r"two\.xml: not a WSXF document: .*Reports"),
    ],
)
def test_bad_documents_name_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        WSXFConverter().convert(source_of(Path("two.xml"), data))
