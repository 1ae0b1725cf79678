"""ATML value forms (formats.md §2.5) inside multiple-measurement steps, in the 2.02, 5.00 and
6.01 namespaces: `c:Datum` per TestResult, `c:Collection` of `c:Item`s (plain values, or one
collection per measurement with its value, status and comparison) and `c:IndexedArray`, for
numeric, string and boolean values; forms the converter does not read become additional data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import Step, UUTReport, write_wsjf
from pywats_client.converters.atml import AtmlConverter

# (root open tag, root close tag, results namespace prefix wrapping a 5/6 TestResults, 2.02?)
_NAMESPACES = {
    "2.02": ("http://www.ieee.org/ATML/2007/TestResults", "http://www.ieee.org/ATML/2006/Common",
             "www.ni.com/TestStand/ATMLTestResults/1.0", "c:double", "c:string", "c:boolean"),
    "5.00": ("urn:IEEE-1636.1:2011:01:TestResults", "urn:IEEE-1671:2010:Common",
             "www.ni.com/TestStand/ATMLTestResults/2.0", "ts:TS_double", "ts:TS_string",
             "ts:TS_boolean"),
    "6.01": ("urn:IEEE-1636.1:2013:TestResults", "urn:IEEE-1671:2010:Common",
             "www.ni.com/TestStand/ATMLTestResults/3.0", "ts:TS_double", "ts:TS_string",
             "ts:TS_boolean"),
}  # fmt: skip
_COLLECTIONS = {
    "5.00": "urn:IEEE-1636.1:2011:01:TestResultsCollection",
    "6.01": "urn:IEEE-1636.1:2013:TestResultsCollection",
}
VERSIONS = list(_NAMESPACES)


def _document(version: str, step: str) -> bytes:
    """A one-UUT ATML file of `version` whose main sequence holds `step`."""
    tr, common, ts, *_ = _NAMESPACES[version]
    xmlns = (
        f'xmlns:tr="{tr}" xmlns:c="{common}" xmlns:ts="{ts}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    )
    body = """<tr:Personnel><tr:SystemOperator ID="op"/></tr:Personnel>
 <tr:ResultSet ID="1" name="C:\\s.seq#MainSequence" startDateTime="2026-03-02T08:00:00.000"
  endDateTime="2026-03-02T08:00:02.000"><tr:Outcome value="Passed"/>{steps}</tr:ResultSet>
 <tr:TestStation><c:SerialNumber>ST-1</c:SerialNumber></tr:TestStation>
 <tr:UUT><c:Definition><c:Identification><c:IdentificationNumbers>
  <c:IdentificationNumber number="PN-1" type="Part"/></c:IdentificationNumbers>
 </c:Identification></c:Definition><c:SerialNumber>SN-1</c:SerialNumber></tr:UUT>"""
    if version == "2.02":
        group = f"""<tr:TestGroup ID="2" name="C:\\s.seq#MainSequence"
 startDateTime="2026-03-02T08:00:00.000">{step}</tr:TestGroup>"""
        text = f'<tr:TestResults {xmlns} uuid="0e5c1b9e-0000-4000-8000-000000000001">'
        text += body.replace("{steps}", group) + "</tr:TestResults>"
    else:
        text = f'<trc:TestResultsCollection xmlns:trc="{_COLLECTIONS[version]}" {xmlns}>'
        text += '<trc:TestResults uuid="0e5c1b9e-0000-4000-8000-000000000001">'
        text += body.replace("{steps}", step) + "</trc:TestResults></trc:TestResultsCollection>"
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode()


def _step(step_type: str, results: str, outcome: str = "Passed") -> str:
    return f"""<tr:Test ID="10" name="Multi" startDateTime="2026-03-02T08:00:00.100">
 <tr:Extension><ts:TSStepProperties><ts:StepType>{step_type}</ts:StepType>
 </ts:TSStepProperties></tr:Extension><tr:Outcome value="{outcome}"/>{results}</tr:Test>"""


def _datum(version: str, kind: str, value: str) -> str:
    xsi = dict(zip(("number", "string", "boolean"), _NAMESPACES[version][3:], strict=True))[kind]
    if kind == "string":
        return f'<c:Datum xsi:type="{xsi}"><c:Value>{value}</c:Value></c:Datum>'
    return f'<c:Datum xsi:type="{xsi}" value="{value}" nonStandardUnit="V"/>'


def _result(name: str, value: str, outcome: str | None = None, limits: str = "") -> str:
    own = f'<tr:Outcome value="{outcome}"/>' if outcome else ""
    return (
        f'<tr:TestResult ID="{name}" name="{name}">{own}<tr:TestData>{value}</tr:TestData>'
        f"{limits}</tr:TestResult>"
    )


def _item(name: str, value: str) -> str:
    return f'<c:Item name="{name}">{value}</c:Item>'


def _convert(goldens: Any, data: bytes) -> Step:
    [report] = AtmlConverter({"timezone": "UTC", "revision": "A", "operation_code": 10}).convert(
        goldens.source(Path("field.xml"), data)
    )
    report.validate()
    write_wsjf(report, validate=True)
    [step] = report.root.steps
    return step


def _low_high(low: str, high: str, version: str) -> str:
    double = _NAMESPACES[version][3]
    limit = '<c:Limit comparator="{c}"><c:Datum xsi:type="' + double + '" value="{v}"/></c:Limit>'
    return (
        '<tr:TestLimits><tr:Limits><c:LimitPair operator="AND">'
        + limit.format(c="GE", v=low)
        + limit.format(c="LE", v=high)
        + "</c:LimitPair></tr:Limits></tr:TestLimits>"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_one_datum_per_test_result_gives_a_multiple_numeric_step(
    goldens: Any, version: str
) -> None:
    results = "".join(
        _result(f"Measurement {i}", _datum(version, "number", v), o, _low_high("1", "5", version))
        for i, (v, o) in enumerate([("2.5", "Passed"), ("7", "Failed")])
    )
    step = _convert(goldens, _document(version, _step("NI_MultipleNumericLimitTest", results)))
    meas = step.raw["numericMeas"]
    assert [(m["name"], m["value"], m["compOp"], m["lowLimit"], m["highLimit"], m["status"])
            for m in meas] == [("Measurement 0", 2.5, "GELE", 1.0, 5.0, "P"),
                               ("Measurement 1", 7.0, "GELE", 1.0, 5.0, "F")]  # fmt: skip
    assert meas[0]["unit"] == "V"


def _record(version: str, kind: str, value: str, status: str, comp: str, limit: str) -> str:
    """One measurement as a collection of its value, status, comparison and limit."""
    string = _NAMESPACES[version][4]
    text = '<c:Datum xsi:type="' + string + '"><c:Value>{}</c:Value></c:Datum>'
    limits = (
        _item("Limits", "<c:Collection>" + _item("String", text.format(limit)) + "</c:Collection>")
        if kind == "string"
        else _item("Limits", "<c:Collection>"
                   + _item("Low", _datum(version, "number", limit.split(":")[0]))
                   + _item("High", _datum(version, "number", limit.split(":")[1]))
                   + "</c:Collection>")
    )  # fmt: skip
    return (
        "<c:Collection>"
        + _item("Data", _datum(version, kind, value))
        + _item("Status", text.format(status))
        + _item("Comp", text.format(comp))
        + limits
        + "</c:Collection>"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_a_collection_of_measurement_records_gives_a_multiple_string_step(
    goldens: Any, version: str
) -> None:
    """The field file: Multiple String Value Test, one TestResult holding a collection."""
    items = _item(
        "Firmware", _record(version, "string", "1.2.3", "Passed", "CaseSensitive", "1.2.3")
    ) + _item("Board", _record(version, "string", "rev-b", "Failed", "IgnoreCase", "REV-C"))
    result = _result("Measurement", f"<c:Collection>{items}</c:Collection>")
    step = _convert(goldens, _document(version, _step("NI_MultipleStringValueTest", result,
                                                       "Failed")))  # fmt: skip
    assert step.step_type == "NI_MultipleStringValueTest"
    assert step.status == "F"
    assert [(m["name"], m["value"], m["limit"], m["compOp"], m["status"])
            for m in step.raw["stringMeas"]] == [
        ("Firmware", "1.2.3", "1.2.3", "CASESENSIT", "P"),
        ("Board", "rev-b", "REV-C", "IGNORECASE", "F"),
    ]  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_a_record_may_name_its_value_after_its_type(goldens: Any, version: str) -> None:
    string = _NAMESPACES[version][4]
    text = '<c:Datum xsi:type="' + string + '"><c:Value>{}</c:Value></c:Datum>'
    record = (
        "<c:Collection>"
        + _item("String", text.format("OK-7"))
        + _item("Status", text.format("Passed"))
        + _item("Comp", text.format("IgnoreCase"))
        + _item("ExpectedString", text.format("ok-7"))
        + "</c:Collection>"
    )
    items = _item("Label", record) + _item("Note", text.format("free text"))
    result = _result("Measurement", f"<c:Collection>{items}</c:Collection>")
    step = _convert(goldens, _document(version, _step("NI_MultipleStringValueTest", result)))
    assert [(m["name"], m["value"], m["limit"], m["compOp"], m["status"])
            for m in step.raw["stringMeas"]] == [
        ("Label", "OK-7", "ok-7", "IGNORECASE", "P"),
        ("Note", "free text", None, "LOG", "P"),
    ]  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_a_collection_of_numeric_records_keeps_their_limits(goldens: Any, version: str) -> None:
    items = _item("Vcc", _record(version, "number", "3.3", "Passed", "GELE", "3.0:3.6")) + _item(
        "Vdd", _record(version, "number", "1.0", "Failed", "GTLT", "1.1:1.3")
    )
    result = _result("Measurement", f"<c:Collection>{items}</c:Collection>")
    step = _convert(goldens, _document(version, _step("NI_MultipleNumericLimitTest", result)))
    assert [(m["name"], m["value"], m["compOp"], m["lowLimit"], m["highLimit"], m["status"])
            for m in step.raw["numericMeas"]] == [
        ("Vcc", 3.3, "GELE", 3.0, 3.6, "P"),
        ("Vdd", 1.0, "GTLT", 1.1, 1.3, "F"),
    ]  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_a_collection_of_booleans_gives_a_multiple_pass_fail_step(
    goldens: Any, version: str
) -> None:
    items = _item("Lid", _datum(version, "boolean", "true")) + _item(
        "Fan", _datum(version, "boolean", "false")
    )
    result = _result("Measurement", f"<c:Collection>{items}</c:Collection>")
    step = _convert(goldens, _document(version, _step("PassFailTest", result, "Failed")))
    assert [(m["name"], m["status"]) for m in step.raw["booleanMeas"]] == [
        ("Lid", "P"),
        ("Fan", "F"),
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", ["number", "string", "boolean"])
def test_an_indexed_array_gives_one_measurement_per_element(
    goldens: Any, version: str, kind: str
) -> None:
    base = _NAMESPACES[version][3:][["number", "string", "boolean"].index(kind)]
    values = {"number": ["1.5", "2.5"], "string": ["a", "b"], "boolean": ["true", "true"]}[kind]
    elements = "".join(
        f'<ts:Element position="[{i}]"><c:Value>{v}</c:Value></ts:Element>'
        if kind == "string"
        else f'<ts:Element position="[{i}]" value="{v}"/>'
        for i, v in enumerate(values)
    )
    array = (
        f'<c:IndexedArray xsi:type="{base}Array" dimensions="[2]" lowerBounds="[0]" '
        f'upperBounds="[1]">{elements}</c:IndexedArray>'
    )
    step = _convert(goldens, _document(version, _step("Test", _result("Data", array))))
    key = {"number": "numericMeas", "string": "stringMeas", "boolean": "booleanMeas"}[kind]
    meas = step.raw[key]
    assert [m["name"] for m in meas] == ["Data[0]", "Data[1]"]
    if kind != "boolean":
        assert [m["value"] for m in meas] == [float(v) if kind == "number" else v for v in values]


@pytest.mark.parametrize("version", VERSIONS)
def test_limits_at_the_test_level_apply_to_its_results(goldens: Any, version: str) -> None:
    results = _result("Numeric", _datum(version, "number", "6"))
    test = _step("NumericLimitTest", _low_high("1", "5", version) + results, "Failed")
    step = _convert(goldens, _document(version, test))
    [meas] = step.raw["numericMeas"]
    assert (meas["compOp"], meas["lowLimit"], meas["highLimit"], meas["value"]) == (
        "GELE", 1.0, 5.0, 6.0,
    )  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_an_unknown_value_form_becomes_additional_data(goldens: Any, version: str) -> None:
    odd = '<c:Complex real="1" imaginary="-2"/>'
    complex_ = '<c:Datum xsi:type="c:complex" real="1.5" imaginary="2"/>'
    results = _result("Numeric", _datum(version, "number", "4")) + _result(
        "Measurement 1", odd
    ) + _result("Measurement 2", complex_)  # fmt: skip
    step = _convert(goldens, _document(version, _step("NumericLimitTest", results)))
    [meas] = step.raw["numericMeas"]
    assert meas["value"] == 4.0
    [extra] = step.additional_results
    assert [(p["name"], p["value"]) for p in extra.raw["props"]] == [
        ("Measurement 1", "Complex"),
        ("Measurement 2", "1.5+2i"),
    ]


@pytest.mark.anyio
@pytest.mark.parametrize("version", VERSIONS)
async def test_multiple_value_reports_round_trip(
    goldens: Any, wats_api: httpx.AsyncClient, version: str
) -> None:
    items = _item("Firmware", _record(version, "string", "1.2.3", "Passed", "CaseSensitive",
                                      "1.2.3"))  # fmt: skip
    result = _result("Measurement", f"<c:Collection>{items}</c:Collection>")
    data = _document(version, _step("NI_MultipleStringValueTest", result))
    reports: list[UUTReport] = AtmlConverter({"timezone": "UTC", "revision": "A",
                                              "operation_code": 10}).convert(
        goldens.source(Path(f"field-{version}.xml"), data)
    )  # fmt: skip
    for report in reports:
        await goldens.round_trip(wats_api, report)


@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 3), pytest.param(20000, 4, marks=pytest.mark.slow)]
)
def test_mutated_value_forms_convert_or_fail_with_a_located_error(
    goldens: Any, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    """Every form in one 6.01 file (records, plain items, an array, an unknown form), mutated."""
    version = "6.01"
    records = _item("Firmware", _record(version, "string", "1.2.3", "Passed", "CaseSensitive",
                                        "1.2.3")) + _item(
        "Vcc", _record(version, "number", "3.3", "Passed", "GELE", "3.0:3.6"))  # fmt: skip
    plain = _item("Lid", _datum(version, "boolean", "true"))
    array = (
        '<c:IndexedArray xsi:type="ts:TS_doubleArray" dimensions="[2]" lowerBounds="[0]" '
        'upperBounds="[1]"><ts:Element position="[0]" value="1.5"/>'
        '<ts:Element position="[1]" value="2.5"/></c:IndexedArray>'
    )
    steps = "".join(
        _step("Test", _result(name, value)).replace('ID="10"', f'ID="{n}"')
        for n, (name, value) in enumerate(
            [("Measurement", f"<c:Collection>{records}</c:Collection>"),
             ("Data", f"<c:Collection>{plain}</c:Collection>"), ("Data", array),
             ("Measurement 1", '<c:Complex real="1"/>')], start=10,
        )
    )  # fmt: skip
    original = _document(version, steps)
    converter = AtmlConverter({"timezone": "UTC", "revision": "A", "operation_code": 10})
    [report] = converter.convert(goldens.source(Path("forms.xml"), original))
    kinds = ("stringMeas", "numericMeas", "booleanMeas")
    counts = [sum(len(s.raw.get(k) or []) for k in kinds) for s in report.root.steps]
    assert counts == [2, 1, 2, 0]
    assert report.root.steps[3].additional_results  # the unknown form, kept
    mutate = mutator(seed)
    outcomes = fuzz(converter.convert, Path("mutated.xml")).run(
        mutate.text(original) for _ in range(cases)
    )
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0
