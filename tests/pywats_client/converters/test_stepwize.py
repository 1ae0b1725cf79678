"""StepWize `.xspc` → WSJF: the sample's golden and the spec's expected result, limit modes,
operation codes by name, the server round trip, located errors, fuzzing.

Hand review of golden/stepwize/stepwize-sn65632341.json against the source (spec §5.8): 1
report, SN SN65632341, PN PN1, rev A, process code 20 ("SW Debug" from the operation_codes
parameter), user custom (first record's operatorStamp), station SN_PCB-001 (first record's
assetID), sequence sequenceFileName.xml 1.0.0, start 2025-03-16T13:36:53.277+01:00
(Europe/Oslo), execTime 13814.647 s, 6 misc infos (resultSetID, modelNumber, partDescription,
label, build, exportRestriction), result P. 233 records → 52 sequences (one per run of equal
stepName), 233 steps: 182 ET_NLT (GELE 98, LE 33, GE 51: the iteration records) and 51 ET_A
(Overall Outcome), 182 measurements, none failed. The 2 records with an empty subItemName and
genus are named by their stepName ("Verify 24 VDC PS Voltage", "Measure Current Draw") where the
reference leaves them nameless. Each step has its record's start and totTime.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, ParameterError, get_converter
from pywats_client.converters.stepwize import StepWizeConverter

SAMPLE = "stepwize-sn65632341.xspc"
PARAMETERS = {"operation_code": 10, "timezone": "Europe/Oslo", "operation_codes": "sw debug=20"}


def _convert(goldens: Any, path: Path, data: bytes | None = None, **values: Any) -> UUTReport:
    [report] = StepWizeConverter({**PARAMETERS, **values}).convert(goldens.source(path, data))
    report.validate()
    return report


def test_sample_converts_as_the_spec_says_and_matches_its_golden(
    goldens: Any, samples: Path
) -> None:
    report = _convert(goldens, samples / "stepwize" / SAMPLE)
    assert report.uut is not None
    assert (report.serial_number, report.part_number, report.revision, report.process_code) == (
        "SN65632341", "PN1", "A", 20,
    )  # fmt: skip
    assert (report.uut.user, report.station_name, report.result) == ("custom", "SN_PCB-001", "P")
    assert (report.start, report.uut.exec_time) == ("2025-03-16T13:36:53.2770000+01:00", 13814.647)
    assert len(report.misc_infos) == 6
    steps = report.steps()[1:]
    sequences = [s for s in steps if s.step_type == "SequenceCall"]
    leaves = [s for s in steps if s.step_type != "SequenceCall"]
    assert len(sequences) == 52
    assert collections.Counter(s.step_type for s in leaves) == {"ET_NLT": 182, "ET_A": 51}
    measurements = [m for s in leaves for m in s.raw.get("numericMeas", [])]
    assert collections.Counter(m["compOp"] for m in measurements) == {
        "GELE": 98, "LE": 33, "GE": 51,
    }  # fmt: skip
    assert all(s.status == "P" for s in steps)
    assert all(s.name for s in leaves)
    goldens.check("stepwize/stepwize-sn65632341", [report])


def test_operation_without_a_code_takes_the_parameter(goldens: Any, samples: Path) -> None:
    report = _convert(goldens, samples / "stepwize" / SAMPLE, operation_codes="")
    assert report.process_code == 10
    with pytest.raises(ParameterError, match="operation_codes"):
        StepWizeConverter({"operation_codes": "SW Debug"})


@pytest.mark.anyio
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, samples: Path, wats_api: httpx.AsyncClient
) -> None:
    await goldens.round_trip(wats_api, _convert(goldens, samples / "stepwize" / SAMPLE))


def _record(**fields: str) -> str:
    values = {"stepName": "S1", "subItemName": "m", "dataType": "0", "lowerLimit": "1",
              "upperLimit": "5", "limitMode": "LL &lt;= Value &lt;= UL", "stepValue": "3",
              "stepOutcome": "Pass", "startDateTime": "2026-03-02T08:00:00.000",
              "endDateTime": "2026-03-02T08:00:00.500", **fields}  # fmt: skip
    body = "".join(f"<{k}>{v}</{k}>" for k, v in values.items())
    return f"<Config_and_Data_Result>{body}</Config_and_Data_Result>"


def _file(*records: str, result: str = "Pass") -> bytes:
    return (
        "<ConfigAndResultsDataFile><ConfigandResultsData><partNumber>P</partNumber>"
        "<revision>1</revision><serialNumber>SN-9</serialNumber><operation>ICT</operation>"
        f"<sequencePF>{result}</sequencePF><Config_and_Result_Data>{''.join(records)}"
        "</Config_and_Result_Data></ConfigandResultsData></ConfigAndResultsDataFile>"
    ).encode()


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("Value &gt; LL", ("GE", 1.0, None)), ("Value &gt;= LL", ("GE", 1.0, None)),
     ("LL &lt;= Value &lt;= UL", ("GELE", 1.0, 5.0)), ("Value &lt;= UL", ("LE", 5.0, None)),
     ("Value &lt; UL", ("LT", 5.0, None))],
)  # fmt: skip
def test_limit_modes(goldens: Any, mode: str, expected: tuple[str, float, float | None]) -> None:
    report = _convert(goldens, Path("r.xspc"), _file(_record(limitMode=mode)))
    [meas] = report.root.steps[0].steps[0].raw["numericMeas"]
    assert (meas["compOp"], meas["lowLimit"], meas["highLimit"]) == expected


def test_sequences_outcomes_and_result(goldens: Any) -> None:
    records = (
        _record(),
        _record(subItemName="ok", dataType="1"),
        _record(stepName="S2", dataType="2", stepOutcome="Fail"),
        _record(stepName="S1"),
    )
    report = _convert(goldens, Path("r.xspc"), _file(*records, result="Incomplete"))
    assert [(s.name, s.status, len(s.steps)) for s in report.root.steps] == [
        ("S1", "P", 2), ("S2", "F", 1), ("S1", "P", 1),
    ]  # fmt: skip
    assert report.root.steps[0].steps[1].step_type == "ET_PFT"
    assert report.result == "T"  # sequencePF, whatever the steps say


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_record(stepValue="abc"), r"line 1, <stepValue>: stepValue 'abc' is not a number"),
        (_record(limitMode="Value == X"), r"<Config_and_Data_Result>: limitMode 'Value == X'"),
        (_record(dataType="7"), r"<Config_and_Data_Result>: dataType '7' is not 0"),
        (_record(startDateTime="16.03.2025"), r"<startDateTime>: startDateTime '16.03.2025'"),
    ],
)
def test_bad_records_are_located_errors(goldens: Any, record: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _convert(goldens, Path("r.xspc"), _file(record))


@pytest.mark.timeout(1800)  # the slow variant on a loaded 2-core machine
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(5000, 2, marks=pytest.mark.slow)]
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    # The 400 kB sample cut to its first 12 records keeps 2,000 cases fast; the slow run
    # mutates the whole file.
    original = (samples / "stepwize" / SAMPLE).read_bytes()
    if cases <= 2000:
        head, _, tail = original.partition(b"<Config_and_Data_Result>")
        records = tail.split(b"<Config_and_Data_Result>")[:12]
        original = head + b"<Config_and_Data_Result>" + b"<Config_and_Data_Result>".join(records)
        original = original.rsplit(b"</Config_and_Data_Result>", 1)[0]
        original += b"</Config_and_Data_Result>\n</Config_and_Result_Data>\n"
        original += b"</ConfigandResultsData>\n</ConfigAndResultsDataFile>\n"
    mutate = mutator(seed)
    converter = StepWizeConverter(PARAMETERS)
    outcomes = fuzz(converter.convert, Path("mutated.xspc")).run(
        mutate.text(original) for _ in range(cases)
    )
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("stepwize") is StepWizeConverter
