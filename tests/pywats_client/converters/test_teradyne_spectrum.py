"""Teradyne Spectrum CTRD text → WSJF: the sample against the spec's table, its golden, the
server round trip, the mapping on small written files, and fuzzing.

Hand review of golden/teradyne-spectrum/sample-ict-data.json against
tests/data/samples/teradyne-spectrum/sample-ict-data.txt (vendor-teradyne-i3070-xjtag.md §2.7):
1 report, sn 1111111111 (USER Serialnumber), pn PB3187900 (PROGRAM_NAME), rev from the required
`revision` parameter (the format has none), operation 50 (default), operator 1234567, result P (USER
STATUS: BOARD PASSED), start 2023-02-09 16:44:11 +01:00 (first STEP TIME, Europe/Oslo), execTime
27 s (last STEP TIME - start), misc infos File, Subprogram, CustomerSN AAAAAAAAAAA, OrderNumber
222222222, Program version V2.0.0.0. 11 section sequences (DISCHARGE twice, ANALOG empty) plus
the 3 step sequences START, SMDA05C[V100], SMDA05C[V101]; 519 test steps = 457 numeric (182 LE
jumpers, limit 5 Ω, one 10 Ω; 275 GELE) + 62 actions, all passed. The last STEP
(DISCHARGE[C145_DCG], page C145_DSG) is written, unlike the reference. Limits are in the value's
prefix: FU1_IN 193.4001 mΩ with low 2.24 nΩ = 2.24e-06 mΩ. POWEROFF keeps its own name and
FAIL_MSG is its report text. Jumper L3: 1.4330307 Ω LE 5, report text "FERRITE BEAD BOTTOM
14.501 1.856" (DESC).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, ParameterError, get_converter
from pywats_client.converters.teradyne_spectrum import SpectrumConverter

from ._ict_shape import shape

PARAMETERS = {"revision": "A", "timezone": "Europe/Oslo"}
SAMPLE = "sample-ict-data.txt"
VALUE = rb"\((?:VAL|STAT|TIME|SCALE|UNIT|USER): ([^()]{0,40})\)"


def _sample(samples: Path) -> Path:
    return samples / "teradyne-spectrum" / SAMPLE


def _text(goldens: Any, text: str, **values: Any) -> list[UUTReport]:
    source = goldens.source(Path("board.txt"), text.encode("cp1252"))
    return SpectrumConverter({**PARAMETERS, **values}).convert(source)


@pytest.fixture(scope="module")
def report(samples: Path) -> UUTReport:
    from .conftest import Goldens

    [converted] = SpectrumConverter(PARAMETERS).convert(Goldens.source(_sample(samples)))
    return converted


def test_sample_matches_its_golden(report: UUTReport, goldens: Any) -> None:
    goldens.check("teradyne-spectrum/sample-ict-data", [report])


def test_sample_has_the_spec_steps_with_the_last_step_included(report: UUTReport) -> None:
    assert shape(report) == {
        "sn": "1111111111", "pn": "PB3187900", "rev": "A", "result": "P", "sequences": 14,
        "steps": 519, "types": {"ET_A": 62, "ET_NLT": 457},
        "operators": {"GELE": 275, "LE": 182}, "measurements": 457, "failed": [],
    }  # fmt: skip
    sections = [(s.name, len(s.steps)) for s in report.root.steps]
    assert sections == [
        ("Header", 2), ("DISCHARGE", 28), ("APC", 1), ("JUMPERS", 182), ("SHORTS", 1),
        ("CAPACITORS", 149), ("RESISTORS", 54), ("ZENERS", 62), ("ANALOG", 0), ("Trailer", 1),
        ("DISCHARGE", 28),
    ]  # fmt: skip
    assert report.root.steps[-1].steps[-1].name == "C145_DSG"
    assert report.uut is not None
    assert (report.uut.user, report.uut.exec_time, report.process_code) == ("1234567", 27.0, 50)
    assert str(report.start) == "2023-02-09T16:44:11.0000000+01:00"
    infos = {i.description: i.text for i in report.misc_infos}
    assert infos["CustomerSN"] == "AAAAAAAAAAA"
    assert infos["OrderNumber"] == "222222222"
    resistors = report.root.steps[6].steps
    assert resistors[0].raw["numericMeas"][0] == {
        "compOp": "GELE", "name": None, "status": "P", "unit": "mΩ", "value": 193.4001,
        "highLimit": 250.0, "lowLimit": 2.24e-06,
    }  # fmt: skip
    [poweroff] = report.root.steps[9].steps
    assert (poweroff.name, poweroff.report_text) == (
        "POWEROFF",
        "All power supplies were turned off in reverse order.",
    )


@pytest.mark.anyio
async def test_sample_round_trips_through_the_local_server(
    report: UUTReport, goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    await goldens.round_trip(wats_api, report)


def test_the_revision_the_format_lacks_is_a_required_parameter() -> None:
    with pytest.raises(ParameterError, match="parameter 'revision': required"):
        SpectrumConverter({"timezone": "UTC"})


def _board(serial: str, pages: str, status: str = "PASSED") -> str:
    return (
        '(PROGRAM_NAME: "P1")\n(SECTION_NAME: "S")\n'
        f'(STEP:\n (TYPE: RAW) (TIME: 12/07/2026 10:00:00 )\n (SNAME: "X")\n{pages}'
        ' (STAT: PASS))\n(STEP: (TIME: 12/07/2026 10:00:05 ) (SNAME: "Y") (PAGE: (PAGE_NAME: '
        '"Y1") (STAT: PASS) (ANA: (MEASVAL: (VAL: 2) (SCALE: k) (UNIT: O) ))))\n'
        f"(USER: Serialnumber:{serial})\n(USER: STATUS: BOARD {status})\n"
    )


PAGE = '(PAGE: (PAGE_NAME: "{name}") (STAT: {stat}) (ANA: {values}))\n'


def test_failures_one_sided_limits_scales_and_several_boards(goldens: Any) -> None:
    pages = PAGE.format(
        name="R1", stat="FAIL",
        values="(LOLIM: (VAL: 900) (UNIT: O)) (MEASVAL: (VAL: 1.2) (SCALE: K) (UNIT: O))",
    ) + PAGE.format(
        name="C1", stat="PASS",
        values="(HILIM: (VAL: 1) (SCALE: u) (UNIT: F)) (MEASVAL: (VAL: 470) (SCALE: n) (UNIT: F))",
    )  # fmt: skip
    first, second = _text(goldens, _board("SN1", pages, "FAILED") + _board("SN2", ""))
    sequence = first.root.steps[0].steps[0]
    assert (sequence.name, sequence.status, first.result) == ("X", "F", "F")
    r1, c1 = (step.raw["numericMeas"][0] for step in sequence.steps)
    assert (r1["compOp"], r1["lowLimit"], r1["unit"], r1["status"]) == ("GE", 0.9, "kΩ", "F")
    assert (c1["compOp"], c1["lowLimit"], c1["highLimit"], c1["unit"]) == ("LE", 1000.0, None, "nF")
    assert sequence.tot_time == 5.0
    assert [r.serial_number for r in (first, second)] == ["SN1", "SN2"]
    assert second.result == "P"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_board("SN", "", "MAYBE"), r"line 9: USER STATUS: expected BOARD PASSED"),
        (_board("SN", "").replace("10:00:00", "10h"), r"line 3: TIME: expected MM/dd/yyyy"),
        (_board("SN", "").replace("(SCALE: k)", "(SCALE: x)"), r"line 7: MEASVAL SCALE"),
        (_board("SN", "").replace("(VAL: 2)", "(VAL: two)"), r"line 7: MEASVAL: expected a num"),
        (_board("SN", "").replace("(STAT: PASS) (ANA", "(STAT: OK) (ANA"), r"line 7: STAT: exp"),
        (_board("SN", "")[:-80], r"line 7: the file ends inside the \(STEP: record"),
        (_board("SN", "").replace("(USER: Serialnumber:SN)", ""), r"line 1: .*no \(USER: Serial"),
        ('(SECTION_NAME: "S")\n', r"line 1: \(SECTION_NAME: before the \(PROGRAM_NAME"),
        ('(PROGRAM_NAME: "P1")\n)\n', r"line 2: '\)' closes no open record"),
        ('(PROGRAM_NAME: "P1")\nhello\n', r"line 2: text 'hello' outside any record"),
    ],
    ids=[
        "result",
        "time",
        "scale",
        "value",
        "stat",
        "truncated",
        "serial",
        "order",
        "paren",
        "text",
    ],
)
def test_broken_files_name_the_line(goldens: Any, text: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _text(goldens, text)


def _excerpt(samples: Path) -> bytes:
    """The sample with only a few STEP records of each kind (fast enough to fuzz)."""
    keep = (b"BoardID", b"JUMPER[L3]", b"FU1_IN", b"POWEROFF", b"DISCHARGE[C145")
    chunks = re.split(rb"\n(?=\()", _sample(samples).read_bytes())
    kept = [c for c in chunks if not c.startswith(b"(STEP:") or any(k in c for k in keep)]
    return b"\n".join(kept)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    samples: Path, goldens: Any, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    original = _excerpt(samples)
    converter = SpectrumConverter(PARAMETERS)
    assert len(converter.convert(goldens.source(Path("x"), original))) == 1
    mutate = mutator(seed)
    inputs = (mutate.text(original, re.compile(VALUE)) for _ in range(cases))
    outcomes = fuzz(converter.convert, Path("mutated.txt")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("teradyne-spectrum") is SpectrumConverter
