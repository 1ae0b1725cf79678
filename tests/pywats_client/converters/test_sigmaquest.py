"""SigmaQuest UnitReport XML → WSJF: the sample's golden and the spec's expected result, the
rule for limits of 0, grades, mixed values, the server round trip, located errors, fuzzing.

Hand review of golden/sigmaquest/sigmaquest-sn651658.json against the source (spec §2.8): 1
report, SN SN651658, PN 1564678564, rev A (parameter; the Product has no version), operator OP2,
station GOLDEN-STATION ("<No Station>" names none), root sequence OP2, start
2024-12-11T10:19:25+00:00 (UnitReport/@start-time), execTime 16102 s, misc info Mode=D, result
F (root grade FAIL). 5 phase sequences (MS2 POSITIVE MODE QUAD TUNING AND TESTING F, the rest P)
holding 49 steps: 19 ET_PFT (17 P, 2 E), 11 ET_NLT, 19 ET_MNLT; failed steps: that sequence and
Low Mass Resolution; 5 steps E (PENDING). 175 numeric measurements: the reference's 172 plus
the 3 it loses after the `null` in High Mass Resolution (kept here, the null as NaN); statuses
from grades only: 151 P, 24 F (2 FAIL, 19 PENDING and the 3 recovered, all in non-passing
runs). Limits as written (GELE lsl..usl for all 175 values, 0 included).
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.sigmaquest import SigmaQuestConverter

SAMPLE = "sigmaquest-sn651658.xml"
PARAMETERS = {"revision": "A", "operation_code": 10}


def _convert(goldens: Any, path: Path, data: bytes | None = None, **values: Any) -> UUTReport:
    [report] = SigmaQuestConverter({**PARAMETERS, **values}).convert(goldens.source(path, data))
    report.validate()
    return report


def test_sample_converts_as_the_spec_says_and_matches_its_golden(
    goldens: Any, samples: Path
) -> None:
    report = _convert(goldens, samples / "sigmaquest" / SAMPLE)
    assert report.uut is not None
    assert (report.serial_number, report.part_number, report.result, report.uut.user) == (
        "SN651658", "1564678564", "F", "OP2",
    )  # fmt: skip
    assert (report.station_name, report.start, report.uut.exec_time) == (
        "GOLDEN-STATION", "2024-12-11T10:19:25.0000000+00:00", 16102.0,
    )  # fmt: skip
    assert [(m.description, m.text) for m in report.misc_infos] == [("Mode", "D")]
    steps = report.steps()[1:]
    sequences = [(s.name, s.status) for s in steps if s.step_type == "SequenceCall"]
    assert len(sequences) == 5
    assert [name for name, status in sequences if status != "P"] == [
        "MS2 POSITIVE MODE QUAD TUNING AND TESTING"
    ]
    leaves = [s for s in steps if s.step_type != "SequenceCall"]
    assert collections.Counter(s.step_type for s in leaves) == {
        "ET_PFT": 19, "ET_MNLT": 19, "ET_NLT": 11,
    }  # fmt: skip
    assert collections.Counter(s.status for s in leaves if s.step_type == "ET_PFT") == {
        "P": 17, "E": 2,
    }  # fmt: skip
    assert [s.name for s in steps if s.status == "F"] == [
        "MS2 POSITIVE MODE QUAD TUNING AND TESTING", "Low Mass Resolution",
    ]  # fmt: skip
    assert sum(1 for s in steps if s.status == "E") == 5
    measurements = [m for s in leaves for m in s.raw.get("numericMeas", [])]
    assert len(measurements) == 175
    assert collections.Counter(m["status"] for m in measurements) == {"P": 151, "F": 24}
    assert {m["compOp"] for m in measurements} == {"GELE"}
    goldens.check("sigmaquest/sigmaquest-sn651658", [report])


def test_zero_limits_can_mean_no_limit(goldens: Any, samples: Path) -> None:
    report = _convert(goldens, samples / "sigmaquest" / SAMPLE, zero_limits="none")
    by_name: dict[str, Any] = {}
    for step in report.steps():
        for meas in step.raw.get("numericMeas", []):
            by_name.setdefault(meas["name"] or step.name, meas)  # names repeat in later runs
    # lsl="0" usl="-2.4000": only the upper limit is real.
    assert (by_name["MS1 value"]["compOp"], by_name["MS1 value"]["lowLimit"]) == ("LE", -2.4)
    # lsl="2.19e+11" usl="0": only the lower limit.
    beam = by_name["pos DCpos Beam TIC"]
    assert (beam["compOp"], beam["lowLimit"], beam["highLimit"]) == ("GE", 2.19e11, None)
    # Firmware Version, lsl="0" usl="0": none; Collision Pressure keeps its real pair.
    assert by_name["Instrument Preparation"]["compOp"] == "LOG"
    pressure = by_name["Gas Inlet Manifold"]
    assert (pressure["compOp"], pressure["lowLimit"], pressure["highLimit"]) == (
        "GELE", 0.0035, 0.004,
    )  # fmt: skip
    # Statuses still come from the grades, whatever the limits say.
    default = _convert(goldens, samples / "sigmaquest" / SAMPLE)
    statuses = [m["status"] for s in default.steps() for m in s.raw.get("numericMeas", [])]
    assert statuses == [m["status"] for s in report.steps() for m in s.raw.get("numericMeas", [])]


@pytest.mark.anyio
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, samples: Path, wats_api: httpx.AsyncClient
) -> None:
    await goldens.round_trip(wats_api, _convert(goldens, samples / "sigmaquest" / SAMPLE))


def _unit(runs: str, extra: str = "", grade: str = "PASS") -> bytes:
    return f"""<?xml version="1.0"?>
<UnitReport xmlns="urn:unitreport-schema" start-time="2026-03-02T08:00:00+01:00" mode="P">
<Station guid="1" name="ST-4"><Property><ValueString name="Location">Hall B</ValueString>
<ValueString name="Test Software">7.1</ValueString><ValueInteger name="Slot">3</ValueInteger>
</Property></Station><Operator name="Ola"/>
<Category name="Boards"><Product part-no="PN-1" serial-no="SN-1" version="B">
<Product part-no="PN-2" serial-no="SN-2"/></Product></Category>{extra}
<TestRun name="Main" start-time="2026-03-02T08:00:00+01:00" grade="{grade}">{runs}</TestRun>
</UnitReport>""".encode()


def test_header_sub_units_and_misc_info(goldens: Any) -> None:
    report = _convert(goldens, Path("u.xml"), _unit(""))
    assert (report.station_name, report.location, report.revision) == ("ST-4", "Hall B", "B")
    assert report.root.seq_call is not None
    assert report.root.seq_call.version == "7.1"
    assert [(m.description, m.text) for m in report.misc_infos] == [("Mode", "P"), ("Slot", "3")]
    assert [(u.part_number, u.serial_number) for u in report.sub_units] == [("PN-2", "SN-2")]
    # A root run with no children gives one pass/fail step named like it.
    assert [(s.step_type, s.name, s.status) for s in report.root.steps] == [("ET_PFT", "Main", "P")]


def test_mixed_values_comparison_notes_and_setup(goldens: Any) -> None:
    runs = """<TestRun name="Leak" start-time="2026-03-02T08:00:01+01:00"
 end-time="2026-03-02T08:00:03+01:00" grade="FAIL (retest)">
<Property><ValueString name="Comparison">LT (less than)</ValueString>
<ValueString name="Fail Notes">seal worn</ValueString></Property>
<SetUp><ValueDouble name="Temp" uom="C">21.5</ValueDouble></SetUp>
<Result><ValueString name="Tool">T-9</ValueString><ValueDouble name="Rate" usl="0.5"
 grade="FAIL">0.7</ValueDouble><ValueDouble name="Hold" lsl="1" usl="9">5</ValueDouble>
<ValueTimestamp name="At">2026-03-02T08:00:02+01:00</ValueTimestamp></Result>
<Error><Message name="E12">pressure drop</Message></Error></TestRun>"""
    report = _convert(goldens, Path("u.xml"), _unit(runs, grade="FAIL"))
    setup, main = report.root.steps
    assert (setup.group, setup.step_type, setup.status) == ("S", "ET_NLT", "F")
    assert (main.step_type, main.tot_time) == ("ET_MNLT", 2.0)
    assert [(m["name"], m["value"], m["compOp"], m["lowLimit"], m["highLimit"], m["status"])
            for m in main.raw["numericMeas"]] == [
        ("Rate", 0.7, "LT", 0.5, None, "F"), ("Hold", 5.0, "LT", 1.0, None, "F"),
    ]  # fmt: skip
    # The run's notes go on its first step; values that are not measured lead them.
    assert setup.report_text == "<p>Tool=T-9</p><p>At=2026-Mar-02 08:00:02.000</p><p>seal worn</p>"
    assert main.report_text is None
    assert setup.error_message == "<p>E12=pressure drop</p>"


def test_first_string_goes_to_the_report_text(goldens: Any) -> None:
    runs = """<TestRun name="Id" start-time="2026-03-02T08:00:01+01:00" grade="PASS"><Result>
<ValueString name="Tool">T-9</ValueString><ValueDouble name="V">1</ValueDouble>
<ValueTimestamp name="At">2026-03-02T08:00:02+01:00</ValueTimestamp></Result></TestRun>"""
    [step] = _convert(goldens, Path("u.xml"), _unit(runs)).root.steps
    assert step.step_type == "ET_NLT"
    assert step.report_text == "<p>Tool=T-9</p><p>At=2026-Mar-02 08:00:02.000</p>"


@pytest.mark.parametrize(
    ("runs", "grade", "message"),
    [
        ("", "MAYBE", r"line 8, <TestRun>: grade 'MAYBE' is not a unit result"),
        ('<TestRun name="X" start-time="2026-03-02T08:00:00+01:00" grade="SORT OF"/>', "PASS",
         r"line 8, <TestRun>: grade 'SORT OF' is unknown"),
        ('<TestRun name="X" start-time="2026-03-02T08:00:00+01:00" grade="PASS"><Result>'
         '<ValueDouble name="v">1,2.3</ValueDouble></Result></TestRun>', "PASS",
         r"line 8, <ValueDouble> 'v': value: expected a number, got '1.2.3'"),
        ('<TestRun name="X" start-time="yesterday" grade="PASS"/>', "PASS",
         r"line 8, <TestRun>: start-time 'yesterday' is not an xs:dateTime"),
    ],
)  # fmt: skip
def test_bad_files_are_located_errors(goldens: Any, runs: str, grade: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _convert(goldens, Path("u.xml"), _unit(runs, grade=grade))


@pytest.mark.timeout(1800)  # the slow variant on a loaded 2-core machine
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    original = (samples / "sigmaquest" / SAMPLE).read_bytes()
    mutate = mutator(seed)
    converter = SigmaQuestConverter(PARAMETERS)
    outcomes = fuzz(converter.convert, Path("mutated.xml")).run(
        mutate.text(original) for _ in range(cases)
    )
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("sigmaquest") is SigmaQuestConverter
