"""TAKAYA ATD / ATDX → WSJF: the five samples against the counts of vendor-takaya-spea-nano.md
§1.4, goldens, the server round trip, the mapping rules and fuzzing.

Hand review of the goldens against the sample files:

apt94xx-bv0001.atd (golden/takaya/apt94xx-bv0001.json, in full): one GROUP block → one report,
  SN BV0001, batch 11111, PN DEMO-PANEL-C, rev V1.SWX2, root SWX2/V1, operator AT33, station FP1
  (Test ID), start 2024-01-01 08:00:00, execTime 0.208 s (sum of the "n ms" fields), result P.
  49 ET_NLT in 8 type sequences P, G, SHRT, R, C, L, U, J; 17 `**` lines → GELE ref ± tol
  (R1: 4.21 KO ±5 % → 3.9995…4.4205 kOhm, value 4.30), 30 OP + 2 SH → LOG (the file does not
  carry the tester's open/short threshold), none failed.
apt94xx-bm0001.atd: 2487 step lines → 2499 elements (6 lines measured twice → loops of summary
  + 2 iterations); OP 1840 + SH 6 → LOG 1846 + 2 (U32 loop), `**` 562 → GELE 568, F 75 → GE 79,
  E 4 → LE 4. Only the six first attempts are F (Q69/Q72 0.001 V < 0.300 V, U32 0.0 Ω open test,
  C2 7.69 µF < 8.0, U24/U26 2.665 V > 0.672 V); every loop passed 1 / failed 1; result P.
atd-v682780-bot.atd (in full): two boards, SN 0601994566 and 0601994567, PN V682780_B_BOT.SWX,
  station TAK4, start 2023-03-01 08:20:27, execTime 14 s each; 55 steps each, 3 skipped (JP),
  26 GELE + 25 OP + 1 SH; C4 of board 2 was measured twice: 17.46 pF (test value 2) is logged.
atd-v682793-top.atd: one board, SN 0602042896, result F, operator from `User name :`, 1778
  steps (6 skipped), failed exactly the 2 LOW-NG rows R809 (test value 2 399.7 O against a KO
  reference → 0.3997 kOhm) and I72, not the 19 the rounded values would fail.
atdx-wo250319-0162.atdx: 10 runs, SN WO250319-0162, station "APT-1400F FPT04", starts 30 s
  apart from 12:26:55, F ×9 then P; per run 3104 rows under Group 1 / Group 2 with 13 type
  sequences each; failed rows (every Judge but PASS/SKIP/UnTested) 12, 5, 4, 3, 3, 3, 3, 1, 1, 0;
  measurements 2740, then 2739 ×6, then 2738 ×3 (UnTested rows skipped, compound impedance rows
  without measurement).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, ParameterError, get_converter
from pywats_client.converters.takaya import TakayaConverter

from ._ict_checks import mutate_lines, summary

PARAMETERS = {"revision": "A", "timezone": "+01:00"}
SAMPLES = (
    "apt94xx-bv0001.atd",
    "apt94xx-bm0001.atd",
    "atd-v682780-bot.atd",
    "atd-v682793-top.atd",
    "atdx-wo250319-0162.atdx",
)
IN_FULL = ("apt94xx-bv0001.atd", "atd-v682780-bot.atd")


def _convert(samples: Path, goldens: Any, name: str, **values: Any) -> list[UUTReport]:
    source = goldens.source(samples / "takaya" / name)
    return TakayaConverter({**PARAMETERS, **values}).convert(source)


@pytest.fixture(scope="module")
def converted(samples: Path, goldens: Any) -> dict[str, list[UUTReport]]:
    return {name: _convert(samples, goldens, name) for name in SAMPLES}


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_match_their_goldens(
    converted: dict[str, list[UUTReport]], goldens: Any, name: str
) -> None:
    reports = converted[name]
    stem = name.rsplit(".", 1)[0]
    goldens.check_json(f"takaya/{stem}-summary", [summary(r) for r in reports])
    if name in IN_FULL:
        goldens.check(f"takaya/{stem}", reports)
    for report in reports:
        report.validate()


def test_apt94xx_counts_match_the_spec(converted: dict[str, list[UUTReport]]) -> None:
    [small] = converted["apt94xx-bv0001.atd"]
    facts = summary(small)
    assert (facts["sn"], facts["batchSN"], facts["pn"], facts["rev"]) == (
        "BV0001", "11111", "DEMO-PANEL-C", "V1.SWX2")  # fmt: skip
    assert (facts["root"], facts["operator"], facts["station"]) == (["SWX2", "V1"], "AT33", "FP1")
    assert facts["sequences"] == ["P", "G", "SHRT", "R", "C", "L", "U", "J"]
    assert facts["steps"] == {"ET_NLT P": 49}
    assert facts["operators"] == {"GELE": 17, "LOG": 32}
    assert (facts["execTime"], facts["result"]) == (0.208, "P")
    [large] = converted["apt94xx-bm0001.atd"]
    facts = summary(large)
    assert facts["steps"] == {"ET_NLT F": 6, "ET_NLT P": 2493}
    assert (facts["loops"], facts["measurements"]) == (6, 2499)
    assert facts["operators"] == {"GE": 79, "GELE": 568, "LE": 4, "LOG": 1848}
    assert sorted(set(facts["failed"])) == [
        "C2_P42771", "Q69_P43003", "Q72_P43003", "U24_EXPART-6", "U26_EXPART-6", "U32_P42998",
    ]  # fmt: skip
    assert (facts["station"], facts["execTime"], facts["result"]) == ("GOLDEN-STATION", 6.626, "P")


def test_a_step_measured_twice_is_a_loop(converted: dict[str, list[UUTReport]]) -> None:
    [report] = converted["apt94xx-bm0001.atd"]
    steps = [s for s in report.steps() if s.name == "C2_P42771"]
    assert [s.loop.raw if s.loop else None for s in steps] == [
        {"idx": None, "num": 2, "endingIndex": 2, "passed": 1, "failed": 1},
        {"idx": 0, "num": None, "endingIndex": None, "passed": None, "failed": None},
        {"idx": 1, "num": None, "endingIndex": None, "passed": None, "failed": None},
    ]
    values = [(s.status, s.raw["numericMeas"][0]["value"]) for s in steps]
    assert values == [("P", 8.0), ("F", 7.69), ("P", 8.0)]
    assert steps[0].raw["numericMeas"][0]["lowLimit"] == 8.0  # 10.00 UF − 20 %
    assert steps[0].raw["numericMeas"][0]["unit"] == "uF"


def test_atd_boards_and_tester_verdicts(converted: dict[str, list[UUTReport]]) -> None:
    first, second = converted["atd-v682780-bot.atd"]
    assert [r.serial_number for r in (first, second)] == ["0601994566", "0601994567"]
    for report in (first, second):
        facts = summary(report)
        assert facts["steps"] == {"ET_NLT P": 52, "ET_NLT S": 3}
        assert facts["operators"] == {"GELE": 26, "LOG": 26}
        assert (facts["station"], facts["execTime"], facts["result"]) == ("TAK4", 14.0, "P")
        assert report.start == "2023-03-01T08:20:27.0000000+01:00"
    [c4] = [s for s in second.steps() if s.name.startswith("C4_")]
    assert c4.raw["numericMeas"][0]["value"] == 17.46  # the re-measurement
    [top] = converted["atd-v682793-top.atd"]
    facts = summary(top)
    assert facts["failed"] == ["R809_+3.3V_$22N2422", "I72_GND_+3.3V"]
    assert facts["steps"] == {"ET_NLT F": 2, "ET_NLT P": 1770, "ET_NLT S": 6}
    assert facts["operators"] == {"GELE": 956, "LE": 36, "LOG": 780}
    assert (facts["result"], facts["execTime"]) == ("F", 391.0)
    [r809] = [s for s in top.steps() if s.name.startswith("R809_")]
    meas = r809.raw["numericMeas"][0]
    assert (meas["value"], meas["unit"], meas["lowLimit"]) == (0.3997, "kOhm", 0.7505)


def test_atdx_runs_match_the_spec(converted: dict[str, list[UUTReport]]) -> None:
    reports = converted["atdx-wo250319-0162.atdx"]
    facts = [summary(r) for r in reports]
    assert [f["result"] for f in facts] == ["F"] * 9 + ["P"]
    assert [len(f["failed"]) for f in facts] == [12, 5, 4, 3, 3, 3, 3, 1, 1, 0]
    assert [f["measurements"] for f in facts] == [2740] + [2739] * 6 + [2738] * 3
    assert [f["start"][11:19] for f in facts[:3]] == ["12:26:55", "12:27:25", "12:27:55"]
    for f in facts:
        assert (f["sn"], f["pn"], f["station"]) == (
            "WO250319-0162",
            "289-0254-4.0",
            "APT-1400F FPT04",
        )
        assert f["sequences"] == ["Group 1", "Group 2"]
        assert f["sequence_calls"] == 28
        assert sum(f["steps"].values()) == 3104
        assert {k: v for k, v in f["operators"].items() if k != "GELE"} == {
            "GE": 34, "GT": 1168, "LE": 44, "LT": 78}  # fmt: skip


@pytest.mark.anyio
async def test_one_report_per_sample_round_trips_through_the_local_server(
    converted: dict[str, list[UUTReport]], goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    for name in SAMPLES:
        await goldens.round_trip(wats_api, converted[name][-1])


def test_revision_is_a_required_parameter() -> None:
    with pytest.raises(ParameterError, match=r"parameter 'revision': required"):
        TakayaConverter({"timezone": "UTC"})


def test_crlf_and_bottom_side(samples: Path, goldens: Any) -> None:
    data = (samples / "takaya" / "apt94xx-bv0001.atd").read_bytes()
    data = data.replace(b"DEMO-PANEL-C_V1", b"MB284209-5B_PANEL_V1").replace(b"\n", b"\r\n")
    source = goldens.source(Path("b.ATD"), data)
    [report] = TakayaConverter({**PARAMETERS, "operation_code_bottom": 51}).convert(source)
    assert (report.part_number, report.revision, report.process_code) == (
        "MB284209-5",
        "V1.SWX2",
        51,
    )
    # Without a bottom code, the bottom side is the operation_code's (50 by default).
    assert TakayaConverter(PARAMETERS).convert(source)[0].process_code == 50
    assert {m.description: m.text for m in report.misc_infos}["Side"] == "Bottom"
    assert len(report.steps()) == 1 + 8 + 49


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"x.atd: line 1: the file is empty"),
        (b"hello\n", r"x.atd: line 1: expected '@' \(ATD\)"),
        (b"@\nModel:X_V1.S\nDATE 01/01/24 08:00:00\n@\n* GROUP No.1 *\n* PASS *\n",
         r"line 5: .*no 'Serial No.'"),
        (b"@\nModel:X_V1.S\nDATE 41/01/24 08:00:00\n", r"line 3: DATE '41/01/24 08:00:00' is not"),
        (b"@\rModel:X_V1.S\r\n\x81\n", r"line 3: bytes that are not valid cp1252 text"),
    ],
)  # fmt: skip
def test_bad_files_name_the_line(goldens: Any, data: bytes, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        TakayaConverter(PARAMETERS).convert(goldens.source(Path("x.atd"), data))


def _slice(path: Path, rows: int, blocks: int) -> bytes:
    """`path` cut to its first `blocks` groups of at most `rows` data rows each."""
    kept, count, groups = [], 0, 0
    for line in path.read_bytes().split(b"\n"):
        if b"GROUP No." in line or line.startswith(b"Group No."):
            groups += 1
            if groups > blocks:
                break
            count = 0
        if line[:1].isdigit():
            count += 1
            if count > rows:
                continue
        kept.append(line)
    return b"\n".join(kept)


@pytest.mark.parametrize(
    ("cases", "seed"),
    [(2100, 1), pytest.param(30000, 2, marks=[pytest.mark.slow, pytest.mark.timeout(3600)])],
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, cases: int, seed: int
) -> None:
    bases = [
        (_slice(samples / "takaya" / "apt94xx-bv0001.atd", 12, 1), b" "),
        (_slice(samples / "takaya" / "atd-v682780-bot.atd", 8, 2), b"\t"),
        (_slice(samples / "takaya" / "atdx-wo250319-0162.atdx", 6, 4), b";"),
    ]
    rng = random.Random(seed)
    converter = TakayaConverter(PARAMETERS)
    inputs = (mutate_lines(bases[c % 3][0], rng, bases[c % 3][1]) for c in range(cases))
    outcomes = fuzz(converter.convert, Path("mutated.atd")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > cases // 10
    assert outcomes["ConversionError"] > cases // 10


def test_registered_under_its_type_name() -> None:
    assert get_converter("takaya") is TakayaConverter
