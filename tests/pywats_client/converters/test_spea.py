"""SPEA 3030 ICT CSV → WSJF: the sample against vendor-takaya-spea-nano.md §2.8, the golden
summary, the server round trip, the mapping rules and fuzzing.

Hand review of golden/spea/spea-3030-summary.json against spea-3030-sn9871234012.csv: ten
records, all SN9871234012, operator "Test Operator op1", root 23462-TS / 1.0.2, start
2024-10-12 (MM/dd/yyyy) at 16:15:03, 16:15:29, … 16:22:03, execTime END − START (19, 20, …,
438 s), results F ×9 then P (END lines). Records 1–4: 1198 steps = 168 pass/fail rows (all three
limits 0) + 17 `Automatic` rows (logged pass/fail from Result) + 1013 numeric rows, all GELE
because a limit of 0 is a limit (the reference's 163 LE rows are GELE 0…high here); 4 failed
(3 pass/fail + C332 with value NaN from `-NAN`); 30 sequence calls in the spec's order (ADA,
Counter, Capacitors, Board, …, End). Record 10: 2395 ANL + 15 FUNC lines = 2410 steps (FUNC
`1.0;1.0;0.0` → GE 1: a 0 opposite a larger low limit means "no high limit"); 21 failed
pass/fail steps under a P report (the tester's verdict, as END says).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, ParameterError, get_converter
from pywats_client.converters.spea import SpeaConverter

from ._ict_checks import mutate_lines, summary

PARAMETERS = {"part_number": "23462", "revision": "A", "timezone": "Europe/Oslo"}
SAMPLE = "spea-3030-sn9871234012.csv"


@pytest.fixture(scope="module")
def reports(samples: Path, goldens: Any) -> list[UUTReport]:
    return SpeaConverter(PARAMETERS).convert(goldens.source(samples / "spea" / SAMPLE))


def test_sample_matches_its_golden(reports: list[UUTReport], goldens: Any) -> None:
    goldens.check_json("spea/spea-3030-summary", [summary(r) for r in reports])
    for report in reports:
        report.validate()


def test_records_match_the_spec(reports: list[UUTReport]) -> None:
    facts = [summary(r) for r in reports]
    assert [f["result"] for f in facts] == ["F"] * 9 + ["P"]
    assert {f["sn"] for f in facts} == {"SN9871234012"}
    assert [len(f["failed"]) for f in facts] == [4, 4, 4, 4, 6, 7, 5, 5, 6, 21]
    assert [sum(f["steps"].values()) for f in facts] == [1198] * 4 + [1201] * 2 + [1198] * 3 + [
        2410
    ]
    assert [f["execTime"] for f in facts[:2]] + [facts[-1]["execTime"]] == [19.0, 20.0, 438.0]
    first = facts[0]
    assert first["steps"] == {"ET_NLT F": 1, "ET_NLT P": 1012, "ET_PFT F": 3, "ET_PFT P": 182}
    assert first["operators"] == {"GELE": 1013}
    assert first["start"] == "2024-10-12T16:15:03.0000000+02:00"
    assert (first["operator"], first["root"]) == ("Test Operator op1", ["23462-TS", "1.0.2"])
    assert first["sequences"][:5] == ["ADA", "Counter", "Capacitors", "Board", "FLOAT"]
    assert first["sequence_calls"] == 30
    assert facts[-1]["operators"] == {"GE": 14, "GELE": 1577}


def test_step_mapping(reports: list[UUTReport]) -> None:
    steps = {s.name: s for s in reports[0].steps()}
    nan = steps["CAPC332 1nF 10% -10%"]
    assert nan.status == "F"
    assert nan.raw["numericMeas"][0] == {"compOp": "GELE", "name": None, "status": "F",
        "unit": "F", "value": "NaN", "highLimit": 1.15e-09, "lowLimit": 8.5e-10}  # fmt: skip
    assert nan.parent is not None
    assert nan.parent.status == "F"
    resistor = steps["RESR562 1K 1% -1% Mounted!"]
    assert resistor.raw["numericMeas"][0] == {"compOp": "GELE", "name": None, "status": "P",
        "unit": "ohm", "value": 519480.5, "highLimit": 1e10, "lowLimit": 200000.0}  # fmt: skip
    automatic = steps["FLOAT"]
    assert (automatic.step_type, automatic.status) == ("ET_PFT", "P")
    connect = steps["ADA_POS_ICT  Connect"]
    assert connect.step_type == "ET_PFT"
    func = {s.name: s for s in reports[-1].steps()}["CAN-Initialisierung"]
    assert func.raw["numericMeas"][0]["compOp"] == "GE"
    assert func.raw["numericMeas"][0]["lowLimit"] == 1.0


@pytest.mark.anyio
async def test_first_and_last_reports_round_trip_through_the_local_server(
    reports: list[UUTReport], goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    for report in (reports[0], reports[-1]):
        await goldens.round_trip(wats_api, report)


def _record(body: str, end: str = "END;PASS;10/12/2024;16:15:22") -> bytes:
    head = "FORMAT;mmdd\nSTART;Programme;P;1.0;P;op;10/12/2024;16:15:03\nLOT;L-7\n"
    return (head + body + end + "\n").encode()


def test_limits_zero_is_a_limit_and_day_first_dates(goldens: Any) -> None:
    body = (
        "ANL;1;R1;1;1;low;;PASS;-1.0e+00;-5.0e+00;0.0e+00;V;;1\n"
        "ANL;1;R1;1;2;only high;;PASS;1.0e+00;;5.0e+00;V;;1\n"
        "ANL;1;R1;1;3;none;;FAIL(+);1.0e+00;;;V;;1\nSN;X1\n"
    )
    data = _record(body).replace(b"FORMAT;mmdd", b"FORMAT;ddmm")
    [report] = SpeaConverter(PARAMETERS).convert(goldens.source(Path("s.csv"), data))
    ops = [(m["compOp"], m["lowLimit"], m["highLimit"]) for s in report.root.steps[0].steps
           for m in s.raw["numericMeas"]]  # fmt: skip
    assert ops == [("GELE", -5.0, 0.0), ("LE", 5.0, None), ("LOG", None, None)]
    assert report.start.startswith("2024-12-10T16:15:03")
    assert report.uut is not None
    assert report.uut.batch_sn == "L-7"
    assert report.result == "P"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"s.csv: line 1: the file has no START"),
        (_record("ANL;1;R1;1;1;x;;PASS;1;0;2;V;;1\n"),
         r"line 5: the run started at line 2 has no SN"),
        (_record("ANL;1;R1;1;1;x;;PASS;abc;0;2;V;;1\nSN;X\n"),
         r"line 4: Meas 'abc' is not a number"),
        (_record("SN;X\n", end=""), r"line 2: the run started at line 2 has no END"),
        (_record("SN;X\n", end="END;MAYBE;10/12/2024;16:15:22"), r"line 5: END result 'MAYBE'"),
        (_record("XYZ;1\n"), r"line 4: unknown line kind 'XYZ'"),
    ],
)  # fmt: skip
def test_bad_files_name_the_line(goldens: Any, data: bytes, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        SpeaConverter(PARAMETERS).convert(goldens.source(Path("s.csv"), data))


def test_part_number_and_revision_are_required_parameters() -> None:
    with pytest.raises(ParameterError, match=r"parameter 'part_number': required"):
        SpeaConverter({"revision": "A"})
    with pytest.raises(ParameterError, match=r"parameter 'revision': required"):
        SpeaConverter({"part_number": "P"})


def _slice(samples: Path) -> bytes:
    """The sample's first two records, 25 step lines each."""
    kept, steps, records = [], 0, 0
    for line in (samples / "spea" / SAMPLE).read_bytes().split(b"\n"):
        if line.startswith(b"FORMAT"):
            records += 1
            steps = 0
            if records > 2:
                break
        if line.startswith((b"ANL", b"FUNC")):
            steps += 1
            if steps > 25:
                continue
        kept.append(line)
    return b"\n".join(kept)


@pytest.mark.parametrize(
    ("cases", "seed"),
    [(2000, 1), pytest.param(30000, 2, marks=[pytest.mark.slow, pytest.mark.timeout(3600)])],
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, cases: int, seed: int
) -> None:
    base = _slice(samples)
    rng = random.Random(seed)
    inputs = (mutate_lines(base, rng, b";") for _ in range(cases))
    outcomes = fuzz(SpeaConverter(PARAMETERS).convert, Path("mutated.csv")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > cases // 10
    assert outcomes["ConversionError"] > cases // 10


def test_registered_under_its_type_name() -> None:
    assert get_converter("spea") is SpeaConverter
