"""Teradyne GR228X logs → WSJF: the sample against the spec's table, its golden, the server
round trip, boards left open, events and panels on small written logs, and fuzzing.

Hand review of golden/teradyne-gr228x/43420-bio2.json against
tests/data/samples/teradyne-gr228x/43420-bio2.log (vendor-teradyne-i3070-xjtag.md §1.8): 3 reports,
pn 43420 (program file 43420_BIO2 cut at "_"), rev 1, sequence name
F:\\BOARDS\\43420_BIO2_PROGRAM\\43420_BIO2.obc, start times 2012-07-31 in UTC (parameter).
Board 1 (65428553938829725787): result T ("?"), execTime 2, two failed "CONTACT fixture failure"
string steps under the root with the node lists as report texts. Board 2 (24422984989544535753):
F ("/"), 17 s, "OPENS test, failed" (397,398,) then R-Group1 (8: R508(R) 100.20007 kΩ GELE
[92.919, 105.131]; R402(R) 45.131532 MΩ GE 0.5 — the numbers in the value's prefix, unlike the
reference; R211(R)/R227(R) LOG status D), C-Group1 (3, nF), S-Group1 (empty: only source
settings), V-Group1 (2, mV), K-Group1 (4: K500_RLY1_NO(V) 2.000115 V then 62.061187 mV in
[-500, 500] mV), D-Group1 (D112_START(V) + 6 pass/fail), P-Group1 (PS_OFF(V), PS_OPEN(V) pass/
fail: limits on a line without a value are dropped). Board 3 (42842937739687688567): P ("\""),
16 s, 31 test steps, none failed; the "]" line after its pass event is ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.teradyne_gr228x import Gr228xConverter

from ._ict_shape import shape

PARAMETERS = {"timezone": "UTC"}
SAMPLE = "43420-bio2.log"
LINE_VALUE = rb"^[A-Z][\w]*[=#<>%]([^\n(]{0,30})"


def _sample(samples: Path) -> Path:
    return samples / "teradyne-gr228x" / SAMPLE


def _text(goldens: Any, text: str, **values: Any) -> list[UUTReport]:
    source = goldens.source(Path("43420_BIO2.LOG"), text.encode("cp1252"))
    return Gr228xConverter({**PARAMETERS, **values}).convert(source)


@pytest.fixture(scope="module")
def reports(samples: Path) -> list[UUTReport]:
    from .conftest import Goldens

    return Gr228xConverter(PARAMETERS).convert(Goldens.source(_sample(samples)))


def test_sample_matches_its_golden(reports: list[UUTReport], goldens: Any) -> None:
    goldens.check("teradyne-gr228x/43420-bio2", reports)


def test_sample_has_the_three_boards_of_the_spec(reports: list[UUTReport]) -> None:
    first, second, third = (shape(r) for r in reports)
    common = {"pn": "43420", "rev": "1"}
    assert first == {
        **common, "sn": "65428553938829725787", "result": "T", "sequences": 0, "steps": 2,
        "types": {"ET_SVT": 2}, "operators": {}, "measurements": 0,
        "failed": ["CONTACT fixture failure", "CONTACT fixture failure"],
    }  # fmt: skip
    assert second == {
        **common, "sn": "24422984989544535753", "result": "F", "sequences": 7, "steps": 27,
        "types": {"ET_NLT": 18, "ET_PFT": 8, "ET_SVT": 1},
        "operators": {"GE": 2, "GELE": 14, "LOG": 2}, "measurements": 26,
        "failed": ["OPENS test, failed"],
    }  # fmt: skip
    assert third == {
        **common, "sn": "42842937739687688567", "result": "P", "sequences": 7, "steps": 31,
        "types": {"ET_NLT": 18, "ET_PFT": 13}, "operators": {"GELE": 16, "LOG": 2},
        "measurements": 31, "failed": [],
    }  # fmt: skip
    board2 = reports[1]
    assert [s.name for s in board2.root.steps] == [
        "OPENS test, failed", "R-Group1", "C-Group1", "S-Group1", "V-Group1", "K-Group1",
        "D-Group1", "P-Group1",
    ]  # fmt: skip
    r402 = board2.root.steps[1].steps[3]
    assert (r402.name, r402.raw["numericMeas"][0]) == ("R402(R)", {
        "compOp": "GE", "name": None, "status": "P", "unit": "MΩ", "value": 45.131532,
        "highLimit": None, "lowLimit": 0.5,
    })  # fmt: skip
    assert [r.uut.exec_time for r in reports if r.uut] == [2.0, 17.0, 16.0]
    assert board2.root.seq_call is not None
    assert board2.root.seq_call.name == "F:\\BOARDS\\43420_BIO2_PROGRAM\\43420_BIO2.obc"


@pytest.mark.anyio
async def test_sample_round_trips_through_the_local_server(
    reports: list[UUTReport], goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    for report in reports:
        await goldens.round_trip(wats_api, report)


PROGRAM = "F:\\B\\P_X.obc[31-JUL-12  14:17:35\n"


def test_a_board_still_open_at_the_end_of_the_file_is_kept(goldens: Any) -> None:
    text = PROGRAM + '@31-JUL-12  14:18:51 SN A1\nR1=1K(0.9K,1.1K)R\n"31-JUL-12  14:18:59\n'
    text += "@31-jul-12  14:19:00 SN A2\nR1>2K(0.9K,1.1K)R\nC1=5N(1N,)CP\n"
    done, open_board = _text(goldens, text)
    assert (done.serial_number, done.result) == ("A1", "P")
    assert (open_board.serial_number, open_board.result) == ("A2", "F")
    assert open_board.uut is not None
    assert "no result line" in (open_board.uut.comment or "")
    failed = open_board.root.steps[0].steps[0]
    assert (failed.status, failed.error_message) == ("F", "MEAS R")
    assert done.id != open_board.id


def test_events_panels_and_wats_keywords(goldens: Any) -> None:
    board = "@31-JUL-12  14:18:51 SN {sn}\n{body}{event}31-JUL-12  14:18:59\n"
    text = PROGRAM + board.format(
        sn="E1", event="*",
        body="WATS_partNumber=PN-9\nWATS_partRevision=C\nWATS_operator=ann\nTOP_OF_LOOP-C\nM1=1\n",
    ) + board.format(sn="T0", event="?", body="") + board.format(
        sn="X1", event="!", body="R1=1\n"
    ) + board.format(sn="D1", event="]", body="R1=1\n")  # fmt: skip
    error, cancelled, diagnosed = _text(goldens, text)
    assert (error.serial_number, error.result, error.part_number, error.revision) == (
        "E1", "E", "PN-9", "C"
    )  # fmt: skip
    assert error.uut is not None
    assert (error.uut.user, error.uut.test_socket_index) == ("ann", 3)
    assert [s.name for s in error.root.steps] == ["M-Group1"]
    assert (cancelled.serial_number, cancelled.result) == ("X1", "T")
    assert (diagnosed.serial_number, diagnosed.result) == ("D1", "P")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@31-JUL-12  14:18:51 SN A\nR1=1K\n/31-XYZ-12  14:19:00\n", r"line 3: date '/31-XYZ"),
        ("@31-JUL-12  14:18:51 SN A\nR1=1K\n/31-JUL-12  14:19:00 x\n", r"line 3: event line"),
        ("@31-JUL-12  14:18:51 SN A\nR1=1MM(1K,2K)R\n", r"line 2: unknown unit prefix 'MM'"),
        ("@31-FOO-12  14:18:51 SN A\n", r"line 1: date '31-FOO-12  14:18:51 SN A': expected"),
        ("@31-JUL-12  14:18:51 SN A*1\nR1=1\n", r"line 2: invalid report[\s\S]*'A\*1' contains"),
    ],
    ids=["month", "trailing", "prefix", "start", "serial"],
)
def test_broken_logs_name_the_line(goldens: Any, text: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _text(goldens, text)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_logs_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    # Boards 1 and 2 (every line kind once) keep the default run short.
    original = _sample(samples).read_bytes().split(b"@31-JUL-12  14:25:12")[0]
    mutate = mutator(seed)
    converter = Gr228xConverter(PARAMETERS)
    inputs = (mutate.text(original, re.compile(LINE_VALUE, re.MULTILINE)) for _ in range(cases))
    outcomes = fuzz(converter.convert, Path("mutated.LOG")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("teradyne-gr228x") is Gr228xConverter
