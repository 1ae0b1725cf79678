"""ATML → WSJF: goldens of the three samples, the server round trip, limits, collections.

Hand review of the goldens against the source files:

atml-2.02.xml → golden/atml/atml-2.02.json: 1 report, id 33efe64e-… (TestResults/@uuid), SN
  123456789, PN Ragnar123 (IdentificationNumber type Part), station TS-2016-BETA, operator
  administrator, start 2019-05-15T14:30:27.058 (+02:00, Europe/Oslo), execTime 2.17 s (end −
  start). Result F. 23 steps (NumOfResults 23) under the root (steps from ResultSet/TestGroup);
  "CPU Test" holds 4. Failures: "Keyboard Test" (value 4, GT 5 in lowLimit) and "Keyboard
  Diagnostics" (PassFailTest Failed): 2 failed steps. "Video Test" GTLT 0/10 µs value 5, Passed.
  4 skipped (Aborted + qualifier Skipped → S): "CPU Diagnostics" (a sequence call written as a
  Test), "ROM Diagnostics", "RAM Diagnostics", "Video Diagnostics".
atml-6.01.xml → golden/atml/atml-6.01.json: the same sequence run at 14:31:52.851, id 67294591-…,
  23 steps, the same 2 failures and limits, the 4 skipped steps are NotStarted → S; steps carry
  ts:TotalTime as totTime and testReferenceID as tsGuid. The CriticalFailureStackEntry
  (resultID 94, "Keyboard Test") marks step 15 causedUUTFailure, stepIdCausedUUTFailure 15.
atml-5.00-ls2621.xml → golden/atml/atml-5.00-ls2621.json: 1 report, SN 9190300075, PN
  LS2621-1002, station MEMK1263, start 2019-03-11T15:06:37.402 (+01:00), execTime 233.909 s,
  result P, 208 steps, 0 failed. Step types: Action 49, PassFailTest 60, NumericLimitTest 45,
  Statement 12, NI_Flow_* 22, SequenceCall 7 (5 TestGroups with callerName + 2 skipped calls),
  MessagePopup 7, AdditionalResults 3, StringValueTest 2, Goto 2. Operators: 31 GELE, 1 GELT,
  12 LE, 1 EQ (numeric Expected, value 44), 2 IGNORECASE (string CIEQ). 6 skipped
  (UserDefined + Skipped). The ButtonHit results of the 5 executed MessagePopups became messagePopup
  buttons (3 written as TestResult, 2 as Data items), not measurements. Other recorded values
  are kept as step additionalResults: the 3 AdditionalResults steps (e.g. "Motorns
  Serienummer" 9190300075-0, CM Serienummer 9190301211, Firmware LPC 11619002_3) and 9 Action
  or Statement steps with values such as "Mät över shunt" 195.1174076423.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.atml import AtmlConverter

SAMPLES = ["atml-2.02.xml", "atml-5.00-ls2621.xml", "atml-6.01.xml"]
PARAMETERS = {"revision": "A", "operation_code": 10, "timezone": "Europe/Oslo"}


def _convert(goldens: Any, path: Path, data: bytes | None = None, **values: Any) -> list[UUTReport]:
    return AtmlConverter({**PARAMETERS, **values}).convert(goldens.source(path, data))


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_its_golden_and_validates(goldens: Any, samples: Path, name: str) -> None:
    reports = _convert(goldens, samples / "atml" / name)
    goldens.check(f"atml/{name.removesuffix('.xml')}", reports)
    for report in reports:
        report.validate()


@pytest.mark.anyio
@pytest.mark.parametrize("name", SAMPLES)
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, samples: Path, wats_api: httpx.AsyncClient, name: str
) -> None:
    for report in _convert(goldens, samples / "atml" / name):
        await goldens.round_trip(wats_api, report)


def test_the_5_00_sample_has_the_step_types_the_file_has(goldens: Any, samples: Path) -> None:
    [report] = _convert(goldens, samples / "atml" / "atml-5.00-ls2621.xml")
    steps = report.steps()[1:]
    assert len(steps) == 208
    kinds = collections.Counter(s.step_type for s in steps)
    assert kinds["NumericLimitTest"] == 45
    assert kinds["PassFailTest"] == 60
    assert sum(1 for s in steps if s.status == "S") == 6
    # 7 MessagePopup steps; the 2 skipped ones carry no dialog result.
    buttons = [s.raw["messagePopup"]["button"] for s in steps if "messagePopup" in s.raw]
    assert buttons == [1, 1, 1, 1, 1]


_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<trc:TestResultsCollection xmlns:trc="urn:IEEE-1636.1:2013:TestResultsCollection"
 xmlns:tr="urn:IEEE-1636.1:2013:TestResults" xmlns:c="urn:IEEE-1671:2010:Common"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:ts="www.ni.com/TestStand/ATMLTestResults/3.0">"""


def _results(serial: str, tests: str, socket: int = 0) -> str:
    return f"""<trc:TestResults uuid="00000000-0000-0000-0000-00000000000{socket}">
 <tr:Personnel><tr:SystemOperator ID="op"/></tr:Personnel>
 <tr:ResultSet ID="1" name="C:\\seq.seq#MainSequence" startDateTime="2026-03-02T08:00:00.000"
  endDateTime="2026-03-02T08:00:01.500"><tr:Outcome value="Passed"/>{tests}</tr:ResultSet>
 <tr:TestStation><c:SerialNumber>ST-1</c:SerialNumber></tr:TestStation>
 <tr:UUT><c:Definition><c:Identification><c:IdentificationNumbers>
  <c:IdentificationNumber number="PN-7" type="Part"/></c:IdentificationNumbers>
 </c:Identification></c:Definition><c:SerialNumber>{serial}</c:SerialNumber></tr:UUT>
 <tr:Extension><ts:TSResultSetProperties><ts:TestSocketIndex value="{socket}"/>
 </ts:TSResultSetProperties></tr:Extension>
</trc:TestResults>"""


def _test(name: str, limits: str, value: str = "5", kind: str = "ts:TS_double") -> str:
    datum = (
        f'<c:Datum xsi:type="{kind}"><c:Value>{value}</c:Value></c:Datum>'
        if "string" in kind
        else f'<c:Datum xsi:type="{kind}" value="{value}" nonStandardUnit="V"/>'
    )
    return f"""<tr:Test ID="{name}" name="{name}" startDateTime="2026-03-02T08:00:00.100">
 <tr:Extension><ts:TSStepProperties><ts:StepType>NumericLimitTest</ts:StepType>
 </ts:TSStepProperties></tr:Extension><tr:Outcome value="Passed"/>
 <tr:TestResult ID="r-{name}" name="Numeric"><tr:TestData>{datum}</tr:TestData>
 <tr:TestLimits><tr:Limits>{limits}</tr:Limits></tr:TestLimits></tr:TestResult></tr:Test>"""


def _limit(comparator: str, value: str) -> str:
    datum = f'<c:Datum xsi:type="c:double" value="{value}"/>'
    return f'<c:Limit comparator="{comparator}">{datum}</c:Limit>'


def _convert_text(goldens: Any, body: str) -> list[UUTReport]:
    data = (_HEAD + body + "</trc:TestResultsCollection>").encode()
    return _convert(goldens, Path("collection.xml"), data)


def test_a_collection_gives_one_report_per_uut_with_its_socket(goldens: Any) -> None:
    reports = _convert_text(goldens, _results("SN-A", "", 0) + _results("SN-B", "", 1))
    assert [(r.serial_number, r.part_number) for r in reports] == [
        ("SN-A", "PN-7"),
        ("SN-B", "PN-7"),
    ]
    assert [r.uut.test_socket_index for r in reports if r.uut] == [0, 1]
    assert reports[0].start == "2026-03-02T08:00:00.0000000+01:00"
    assert reports[0].uut is not None
    assert reports[0].uut.exec_time == 1.5


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (f'<c:LimitPair operator="AND">{_limit("GE", "1")}{_limit("LT", "9")}</c:LimitPair>',
         ("GELT", 1.0, 9.0)),
        # Another writer listing the high bound first: ordered by value.
        (f'<c:LimitPair operator="AND">{_limit("LE", "9")}{_limit("GT", "1")}</c:LimitPair>',
         ("GTLE", 1.0, 9.0)),
        (f'<c:LimitPair operator="OR">{_limit("LT", "1")}{_limit("GT", "9")}</c:LimitPair>',
         ("LTGT", 1.0, 9.0)),
        ('<c:SingleLimit comparator="LE"><c:Datum xsi:type="c:double" value="7"/></c:SingleLimit>',
         ("LE", 7.0, None)),
        ('<c:Expected comparator="NE"><c:Datum xsi:type="c:integer" value="3"/></c:Expected>',
         ("NE", 3.0, None)),
        ('<c:Expected comparator="EQ"><c:Datum xsi:type="c:double" value="5"><c:ErrorLimits>'
         f'<c:LimitPair operator="AND">{_limit("GE", "4.5")}{_limit("LE", "5.5")}</c:LimitPair>'
         "</c:ErrorLimits></c:Datum></c:Expected>",
         ("GELE", 4.5, 5.5)),
    ],
)  # fmt: skip
def test_limits_map_to_wats_operators(
    goldens: Any, limits: str, expected: tuple[str, float, float | None]
) -> None:
    [report] = _convert_text(goldens, _results("SN", _test("T1", limits)))
    [meas] = report.root.steps[0].raw["numericMeas"]
    assert (meas["compOp"], meas["lowLimit"], meas["highLimit"]) == expected
    assert meas["unit"] == "V"


@pytest.mark.parametrize(
    ("comparator", "operator"), [("EQ", "CASESENSIT"), ("CIEQ", "IGNORECASE"), ("CINE", "LOG")]
)
def test_string_limits(goldens: Any, comparator: str, operator: str) -> None:
    datum = '<c:Datum xsi:type="c:string"><c:Value>ok</c:Value></c:Datum>'
    limits = f'<c:Expected comparator="{comparator}">{datum}</c:Expected>'
    [report] = _convert_text(goldens, _results("SN", _test("S1", limits, "OK", "c:string")))
    [meas] = report.root.steps[0].raw["stringMeas"]
    assert (meas["compOp"], meas["value"], meas["limit"]) == (operator, "OK", "ok")


def test_bad_values_name_the_step_and_line(goldens: Any) -> None:
    limits = (
        '<c:SingleLimit comparator="GT"><c:Datum xsi:type="c:double" value="high"/></c:SingleLimit>'
    )
    with pytest.raises(
        ConversionError,
        match=r"collection.xml: line \d+, <Test> step 'T9': expected a double, got 'high'",
    ):
        _convert_text(goldens, _results("SN", _test("T9", limits)))


def test_missing_serial_and_foreign_roots_are_errors(goldens: Any) -> None:
    with pytest.raises(ConversionError, match="the UUT has no SerialNumber"):
        _convert_text(goldens, _results("", ""))
    with pytest.raises(ConversionError, match="is not an ATML test-results root"):
        _convert(goldens, Path("x.xml"), b'<TestResults xmlns="urn:IEEE-1636.1:2006:TestResults"/>')


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_samples_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    # The two small samples alternate; the 170 kB one is every 50th case, to keep CI fast.
    originals = [(samples / "atml" / name).read_bytes() for name in SAMPLES]
    mutate = mutator(seed)
    converter = AtmlConverter(PARAMETERS)
    picks = (
        originals[1] if case % 50 == 49 else originals[2 * (case % 2)] for case in range(cases)
    )
    outcomes = fuzz(converter.convert, Path("mutated.xml")).run(mutate.text(p) for p in picks)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("atml") is AtmlConverter


def test_values_that_are_not_measurements_become_additional_results(goldens: Any) -> None:
    item = '<c:Item name="Supply">{}</c:Item>'
    data = item.format('<c:Datum xsi:type="c:string"><c:Value>PSU-7</c:Value></c:Datum>')
    data += (
        '<c:Item name="Nested"><c:Collection>'
        + item.format('<c:Datum xsi:type="c:double" value="1.5"/>')
        + "</c:Collection></c:Item>"
    )
    action = f"""<tr:SessionAction ID="9" name="Read" startDateTime="2026-03-02T08:00:00.2">
 <tr:Data><c:Collection>{data}</c:Collection></tr:Data><tr:ActionOutcome value="Done"/>
 </tr:SessionAction>"""
    [report] = _convert_text(goldens, _results("SN", action))
    [extra] = report.root.steps[0].raw["additionalResults"]
    assert extra == {"name": "AdditionalResults", "props": [
        {"name": "Supply", "type": "String", "value": "PSU-7"},
        {"name": "Nested", "type": "Obj", "props": [
            {"name": "Supply", "type": "Number", "value": "1.5"}]},
    ]}  # fmt: skip
