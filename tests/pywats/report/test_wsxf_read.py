"""Reading WSXF: the real XML export reads as the same report as the real JSON export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pywats import ReportFormatError
from pywats.report import UnknownStep, UUTReport, read_wsjf, read_wsxf, read_wsxf_all, write_wsxf

# WSJF export keys that the WSXF export has no counterpart for (wsxf.md §6.7, §7): the reader
# cannot produce them, so they are the documented difference between the two samples.
JSON_ONLY_KEYS = ("processCodeFormat", "assets", "assetStats", "additionalData")


def canonical(document: Any) -> str:
    """Type-strict, order-free JSON comparison form (500.0 and 500 differ, keys are sorted)."""
    return json.dumps(document, sort_keys=True)


def test_xml_sample_equals_json_sample_apart_from_json_only_keys(
    samples: Path, samples_uut_text: str
) -> None:
    from_xml = read_wsxf((samples / "wats" / "uut-wsxf-export.xml").read_bytes())
    from_json = read_wsjf(samples_uut_text)
    assert isinstance(from_xml, UUTReport)
    assert isinstance(from_json, UUTReport)
    expected = dict(from_json.raw)
    for key in JSON_ONLY_KEYS:
        assert key in expected
        assert key not in from_xml.raw
        del expected[key]
    assert canonical(from_xml.raw) == canonical(expected)
    # Key order of the shared keys follows the WSJF export layout too.
    assert list(from_xml.raw) == list(expected)


def test_xml_sample_is_typed(samples: Path) -> None:
    report = read_wsxf((samples / "wats" / "uut-wsxf-export.xml").read_text(encoding="utf-8"))
    assert isinstance(report, UUTReport)
    assert len(report.steps()) == 186
    assert not [s for s in report.steps() if isinstance(s, UnknownStep)]
    assert report.id == "33a2d408-3fc8-480b-b554-6866c77fd91c"  # XML writes it upper case


def minimal(body: str = "", report_attrs: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">'
        f'<Report type="UUT" ID="5F0C8A52-9D2E-4C1B-A3F4-7E6D2B1C0A99" {report_attrs}>{body}'
        "</Report></Reports>"
    )


def test_empty_string_attributes_read_as_null_and_absent_ones_stay_absent() -> None:
    report = read_wsxf(minimal(report_attrs='ProductName="" Result="Error"'))
    assert isinstance(report, UUTReport)
    assert report.raw == {
        "type": "T",
        "id": "5f0c8a52-9d2e-4c1b-a3f4-7e6d2b1c0a99",
        "productName": None,
        "result": "E",
        "miscInfos": [],
        "subUnits": [],
    }


def test_several_reports_read_as_a_list_and_write_back() -> None:
    one = minimal()
    inner = one[one.index("<Report ") : one.index("</Reports>")]
    document = one.replace("</Reports>", inner + "</Reports>")
    reports = read_wsxf_all(document)
    assert len(reports) == 2
    assert read_wsxf_all(write_wsxf(reports)) == reports
    assert read_wsxf_all(one) == [read_wsxf(one)]
    with pytest.raises(ReportFormatError, match="got 2; read it with read_wsxf_all"):
        read_wsxf(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<Reports><Report>", "not well-formed XML: line 1 column 18"),
        ("<Other />", "root element: expected {http://wats.virinco.com/schemas/WATS/Report/wsxf}"),
        (minimal().replace('type="UUT"', 'type="UUR"'), "type: expected 'UUT'.*got 'UUR'"),
        (
            minimal('<Step Id="1" StepType="SequenceCall"><SequenceCall Name="M" />'
                    '<Step Id="x2" StepType="ET_NLT" /></Step>'),
            r"root\.steps\[0\]\.id: expected an integer in XML attribute Id, got 'x2'",
        ),
        (
            minimal('<Step Id="1" StepType="ET_NLT"><NumericLimit NumericValue="3,3" /></Step>'),
            r"root\.numericMeas\[0\]\.value: expected a number in XML attribute NumericValue",
        ),
        (
            minimal('<Step Id="1" StepType="A" StepCausedUUTFailure="yes" />'),
            r"root\.causedUUTFailure: expected true or false",
        ),
    ],
)  # fmt: skip
def test_unreadable_documents_name_the_place(document: str, message: str) -> None:
    with pytest.raises(ReportFormatError, match=message):
        read_wsxf(document)
