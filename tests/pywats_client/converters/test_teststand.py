"""TestStand XML → WSJF: goldens of both samples, the server round trip, and mapping rules.

Hand review of the goldens against the source files (counts from the XML, checked in the JSON):

ts-without-wats.xml → golden/teststand/ts-without-wats.json: 1 report. SN 2342343, PN and revision
  from the parameters (the file has an empty PartNumber and no revision), station TS-2021-BETA,
  operator administrator, start 2022-07-01 15:47:48.927 local (+02:00 with timezone
  Europe/Oslo), execTime 6.0831833 = root TS.TotalTime. Result P (UUTResult Passed).
  17 step results (StepCount 17) = 13 under the root + 4 in "CPU Test"; 0 failures. Limits
  checked: "Video Test" value 5, GTLT low 0 high 10, unit microseconds; "Keyboard Test" value 6,
  GT with its only limit (Limits.Low 5) in lowLimit and highLimit null. Report texts {True},
  {False}, (If) on the flow steps. Step starts = start + (TS.StartTime − root TS.StartTime).
ts-with-wats.xml → golden/teststand/ts-with-wats.json: 1 report, id f4fb0a29-… from ReportInfo ID,
  SN 12345, PN1, rev 1.0, process code 60 (UUTOperationType), station VIC-PCBA-003, location
  Norautron Horten, purpose PCBA Test, start text kept verbatim with +02:00. One step "Pass/Fail
  Test" (ET_PFT, Passed, PassFail True), 0 failures; its start 10:55:04.440 = EngineStarted
  08:51:29.994Z + 214.446 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.teststand import TestStandConverter

PARAMETERS = {
    "ts-without-wats.xml": {
        "part_number": "MOTHERBOARD-1",
        "revision": "A",
        "operation_code": 10,
        "timezone": "Europe/Oslo",
    },
    "ts-with-wats.xml": {},
}


def _convert(goldens: Any, path: Path, **values: Any) -> list[UUTReport]:
    return TestStandConverter(values).convert(goldens.source(path))


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_sample_matches_its_golden_and_validates(goldens: Any, samples: Path, name: str) -> None:
    reports = _convert(goldens, samples / "teststand" / name, **PARAMETERS[name])
    goldens.check(f"teststand/{name.removesuffix('.xml')}", reports)
    for report in reports:
        report.validate()


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(PARAMETERS))
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, samples: Path, wats_api: httpx.AsyncClient, name: str
) -> None:
    for report in _convert(goldens, samples / "teststand" / name, **PARAMETERS[name]):
        await goldens.round_trip(wats_api, report)


def test_missing_part_number_names_the_parameter(goldens: Any, samples: Path) -> None:
    with pytest.raises(ConversionError, match=r"ts-without-wats.xml: line 4.*'part_number'"):
        _convert(goldens, samples / "teststand" / "ts-without-wats.xml", revision="A")


def test_station_name_parameter_overrides_the_file(goldens: Any, samples: Path) -> None:
    [report] = _convert(goldens, samples / "teststand" / "ts-with-wats.xml", station_name="ST-9")
    assert report.station_name == "ST-9"


def _report(steps: str, *, status: str = "Passed", uut: str = "") -> bytes:
    """A minimal NI-kind TestStand report around `steps` (TEResult elements)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Reports><Report Type='UUT' UUTResult='{status}'>
<Prop Name='UUT' Type='Obj'>
 <Prop Name='SerialNumber' Type='String'><Value>SN-1</Value></Prop>
 <Prop Name='PartNumber' Type='String'><Value>PN-1</Value></Prop>{uut}
</Prop>
<Prop Name='StartTime' Type='Obj'><Prop Name='Hours' Type='Number'><Value>8</Value></Prop></Prop>
<Prop Name='StartDate' Type='Obj'>
 <Prop Name='ShortText' Type='String'><Value>3/2/2026</Value></Prop>
 <Prop Name='Month' Type='Number'><Value>3</Value></Prop>
 <Prop Name='MonthDay' Type='Number'><Value>2</Value></Prop>
</Prop>
<Prop Type='TEResult'>
 <Prop Name='TS' Type='Obj'>
  <Prop Name='StepName' Type='String'><Value>MainSequence Callback</Value></Prop>
  <Prop Name='SequenceCall' Type='Obj'>
   <Prop Name='Sequence' Type='String'><Value>MainSequence</Value></Prop>
   <Prop Name='ResultList' Type='Array'>{steps}</Prop>
  </Prop>
 </Prop>
 <Prop Name='Status' Type='String'><Value>{status}</Value></Prop>
</Prop>
</Report></Reports>""".encode()


def _step(name: str, status: str, body: str, ts: str = "") -> str:
    return f"""<Value ID='[0]'><Prop Type='TEResult'>
 <Prop Name='Status' Type='String'><Value>{status}</Value></Prop>{body}
 <Prop Name='TS' Type='Obj'><Prop Name='StepName' Type='String'><Value>{name}</Value></Prop>
 {ts}</Prop></Prop></Value>"""


def _num(name: str, value: str) -> str:
    return f"<Prop Name='{name}' Type='Number'><Value>{value}</Value></Prop>"


def _str(name: str, value: str) -> str:
    return f"<Prop Name='{name}' Type='String'><Value>{value}</Value></Prop>"


def _convert_bytes(goldens: Any, data: bytes, **values: Any) -> UUTReport:
    defaults = {"revision": "A", "operation_code": 10, "timezone": "UTC"}
    [report] = TestStandConverter({**defaults, **values}).convert(
        goldens.source(Path("report.xml"), data)
    )
    return report


def test_equal_within_threshold_becomes_gele_with_absolute_limits(goldens: Any) -> None:
    limits = f"<Prop Name='Limits' Type='Obj'>{_str('ThresholdType', 'PERCENTAGE')}</Prop>"
    raw = f"<Prop Name='RawLimits' Type='Obj'>{_num('Nominal', '10')}{_num('Low', '5')}"
    raw += f"{_num('High', '10')}</Prop>"
    body = _num("Numeric", "10.2") + _str("Comp", "EQT") + limits + raw
    report = _convert_bytes(goldens, _report(_step("Supply", "Passed", body)))
    [meas] = report.root.steps[0].raw["numericMeas"]
    assert (meas["compOp"], meas["lowLimit"], meas["highLimit"]) == ("GELE", 9.5, 11.0)


def test_multiple_numeric_measurements_keep_their_names_and_statuses(goldens: Any) -> None:
    element = "<Value ID='[{i}]'><Prop Name='{n}' Type='Obj'>" + _num("Data", "{v}")
    element += _str("Comp", "LE") + "<Prop Name='Limits' Type='Obj'>" + _num("High", "5")
    element += "</Prop>" + _str("Status", "{s}") + "</Prop></Value>"
    array = "".join(
        element.format(i=i, n=n, v=v, s=s)
        for i, (n, v, s) in enumerate([("Idle", 1, "Passed"), ("Load", 7, "Failed")])
    )
    body = f"<Prop Name='Measurement' Type='Array'>{array}</Prop>"
    report = _convert_bytes(goldens, _report(_step("Currents", "Failed", body), status="Failed"))
    step = report.root.steps[0]
    assert step.status == "F"
    assert [(m["name"], m["status"], m["lowLimit"]) for m in step.raw["numericMeas"]] == [
        ("Idle", "P", 5.0),
        ("Load", "F", 5.0),
    ]
    assert report.result == "F"


def test_string_step_loop_counts_and_errors(goldens: Any) -> None:
    body = _str("String", "v2.1") + _str("Comp", "IgnoreCase")
    body += f"<Prop Name='Limits' Type='Obj'>{_str('String', 'V2.1')}</Prop>"
    body += "<Prop Name='Error' Type='Obj'>" + _num("Code", "-17") + _str("Msg", "timeout")
    body += "</Prop>"
    ts = _num("NumLoops", "3") + _num("NumPassed", "2") + _num("NumFailed", "1")
    report = _convert_bytes(goldens, _report(_step("Version", "Error", body, ts)))
    step = report.root.steps[0]
    assert step.raw["stringMeas"][0]["compOp"] == "IGNORECASE"
    assert (step.status, step.error_code, step.error_message) == ("E", -17, "timeout")
    assert step.raw["loop"] == {"idx": None, "num": 3, "endingIndex": None, "passed": 2,
                                "failed": 1}  # fmt: skip


def test_critical_failure_stack_marks_the_failing_step(goldens: Any) -> None:
    body = _num("Numeric", "9") + _str("Comp", "LT") + "<Prop Name='Limits' Type='Obj'>"
    body += _num("Low", "5") + "</Prop>"
    stack = "<Prop Name='CriticalFailureStack' Type='Array'><Value ID='[0]'><Prop Type='Obj'>"
    stack += _num("ResultId", "41") + "</Prop></Value></Prop>"
    data = _report(_step("Leak", "Failed", body, _num("Id", "41")), status="Failed", uut=stack)
    report = _convert_bytes(goldens, data)
    [step] = report.root.steps
    assert step.caused_uut_failure is True
    assert report.uut is not None
    assert report.uut.step_id_caused_uut_failure == step.id


def test_decimal_comma_numbers_are_read_when_configured(goldens: Any) -> None:
    body = _num("Numeric", "3,25") + _str("Comp", "LOG")
    data = _report(_step("Rail", "Passed", body))
    report = _convert_bytes(goldens, data, decimal_comma=True)
    assert report.root.steps[0].raw["numericMeas"][0]["value"] == 3.25
    with pytest.raises(ConversionError, match=r"report.xml: line \d+, <Prop> Prop 'Numeric'.*3,25"):
        _convert_bytes(goldens, data)


def test_unknown_comparison_is_an_error_naming_the_step(goldens: Any) -> None:
    body = _num("Numeric", "1") + _str("Comp", "ABOUT")
    with pytest.raises(ConversionError, match=r"line \d+, <Prop> step 'Odd'.*'ABOUT'"):
        _convert_bytes(goldens, _report(_step("Odd", "Passed", body)))


def test_batch_only_file_and_other_roots_are_rejected(goldens: Any) -> None:
    with pytest.raises(ConversionError, match="no UUT report"):
        _convert_bytes(goldens, b"<Reports><Report Type='Batch'/></Reports>")
    with pytest.raises(ConversionError, match="expected a TestStand report"):
        _convert_bytes(goldens, b"<Other/>")


def test_doctype_is_refused(goldens: Any) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&b;</r>'
    with pytest.raises(ConversionError, match="DOCTYPE declarations are not accepted"):
        _convert_bytes(goldens, bomb)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_samples_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    originals = [(samples / "teststand" / name).read_bytes() for name in sorted(PARAMETERS)]
    mutate = mutator(seed)
    converter = TestStandConverter(
        {"part_number": "PN", "revision": "A", "operation_code": 10, "timezone": "UTC"}
    )
    inputs = (mutate.text(originals[case % 2]) for case in range(cases))
    outcomes = fuzz(converter.convert, Path("mutated.xml")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("teststand") is TestStandConverter
