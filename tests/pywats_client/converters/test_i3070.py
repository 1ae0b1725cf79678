"""Keysight i3070 log records → WSJF: the two samples against the spec's tables, goldens, the
server round trip, the mapping on small written files, and fuzzing.

Hand review of the goldens against tests/data/samples/i3070/ (vendor-teradyne-i3070-xjtag.md §3.9):

i3070-38258378-board2.log → golden/i3070/i3070-38258378-board2.json: 1 report, sn
  38258378-007-12151210, pn 38257410C (BATCH 14), rev RevA (BATCH 11), station 095MCALLEN24
  (BATCH 9), fixture 1237, start 2021-08-05 12:50:41 +02:00 (Europe/Oslo), execTime 57, socket 2
  (every designator starts `2%`), result P from BTEST status 00. Sequences PF (pins: Failing
  pins 0, Test status 0), A-JUM (l260 jump5-6 -0.02514869 kΩ GELE [18, 9.999999e+96] status P
  although below the low limit: the tester's verdict is kept; l1260 jump5-6; l1508 in Ω with
  low 0), A-RES (r698..r700 in MΩ: 0.119802 in [0.1104, 0.1296]; r1888, r890 in kΩ), A-DIO
  (d506, m1695 d_ds, m1696 d_ds in V; q141, q171, q1171 multi-numeric B-E/B-C), A-ZEN (4, V),
  A-CAP (c1591 F at 5.942115 µF > 5.875, then c1591 P at 5.868444), and A-MEA: the 26 results
  logged without limits as LOG measurements in 8 multi-numeric steps. The c1591 failure fails
  its sequence, but the board result stays P and no step is marked as the cause.
i3070-default-sn1.log → golden/i3070/i3070-default-sn1.json: 1 report, sn default_SN1, pn
  fancy_product (BATCH 1: field 14 is empty), rev Rev0, station foo, operator gp, start
  2024-01-03 15:47:11, execTime 10, result P, no socket index. 257 analog results without
  limits as LOG measurements (Ω for A-JUM, F for A-CAP ...: prefixes chosen from the value),
  then TS shorts (4 counts, all 0).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.i3070 import I3070Converter

from ._ict_shape import shape

PARAMETERS = {"timezone": "Europe/Oslo"}
SAMPLES = ("i3070-38258378-board2.log", "i3070-default-sn1.log")
# The field values a mutation swaps: the text of one `|` field.
FIELD = rb"\|([^|{}\n]{1,40})"


def _convert(goldens: Any, path: Path, **values: Any) -> list[UUTReport]:
    return I3070Converter({**PARAMETERS, **values}).convert(goldens.source(path))


def _text(goldens: Any, text: str, **values: Any) -> list[UUTReport]:
    source = goldens.source(Path("board.log"), text.encode("cp1252"))
    return I3070Converter({**PARAMETERS, **values}).convert(source)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_its_golden(samples: Path, goldens: Any, name: str) -> None:
    reports = _convert(goldens, samples / "i3070" / name)
    goldens.check(f"i3070/{name.removesuffix('.log')}", reports)


def test_board2_has_the_reference_steps_plus_the_results_without_limits(
    samples: Path, goldens: Any
) -> None:
    path = samples / "i3070" / "i3070-38258378-board2.log"
    [reference] = _convert(goldens, path, log_without_limits=False)
    assert shape(reference) == {
        "sn": "38258378-007-12151210", "pn": "38257410C", "rev": "RevA", "result": "P",
        "sequences": 6, "steps": 21, "types": {"ET_MNLT": 4, "ET_NLT": 17},
        "operators": {"GELE": 23, "LOG": 2}, "measurements": 25, "failed": ["c1591"],
    }  # fmt: skip
    assert [s.name for s in reference.root.steps] == ["PF", "A-JUM", "A-RES", "A-DIO", "A-ZEN",
                                                      "A-CAP"]  # fmt: skip
    [report] = _convert(goldens, path)
    assert shape(report)["measurements"] == 25 + 26
    assert report.root.steps[-1].name == "A-MEA"
    assert report.uut is not None
    assert report.uut.test_socket_index == 2
    assert report.start is not None
    assert str(report.start).startswith("2021-08-05T12:50:41")
    r698 = report.root.steps[2].steps[0]
    assert r698.raw["numericMeas"][0] == {
        "compOp": "GELE", "name": None, "status": "P", "unit": "MΩ", "value": 0.119802,
        "highLimit": 0.1296, "lowLimit": 0.1104,
    }  # fmt: skip


def test_default_sn1_logs_every_result_without_limits(samples: Path, goldens: Any) -> None:
    path = samples / "i3070" / "i3070-default-sn1.log"
    [reference] = _convert(goldens, path, log_without_limits=False)
    assert shape(reference) == {
        "sn": "default_SN1", "pn": "fancy_product", "rev": "Rev0", "result": "P",
        "sequences": 1, "steps": 1, "types": {"ET_MNLT": 1}, "operators": {"LOG": 4},
        "measurements": 4, "failed": [],
    }  # fmt: skip
    [report] = _convert(goldens, path)
    assert shape(report)["measurements"] == 257 + 4
    assert set(shape(report)["operators"]) == {"LOG"}
    assert report.uut is not None
    assert report.uut.test_socket_index is None


@pytest.mark.anyio
@pytest.mark.parametrize("name", SAMPLES)
async def test_sample_round_trips_through_the_local_server(
    samples: Path, goldens: Any, wats_api: httpx.AsyncClient, name: str
) -> None:
    for report in _convert(goldens, samples / "i3070" / name):
        await goldens.round_trip(wats_api, report)


BATCH = "{@BATCH|PN-1|A|FX|1||btest|b1|op|CTRL1|plan|R2|||PN-7\n"


def _board(serial: str, status: str = "00", body: str = "") -> str:
    fields = f"{serial}|{status}|261207101500|000012|0|all||n|n|261207101512||001"
    return f"{{@BTEST|{fields}\n{body}}}\n"


def test_every_board_record_is_a_report_with_the_batch_header(goldens: Any) -> None:
    body = "{@BLOCK|1%r1|01\n{@A-RES|1|+1.2E+03{@LIM3|+1.0E+03|+1.1E+03|+9.0E+02}}\n}\n"
    text = BATCH + _board("SN1", "06", body) + _board("SN2") + _board("SN3", "81") + "}"
    first, second, third = _text(goldens, text)
    assert [r.serial_number for r in (first, second, third)] == ["SN1", "SN2", "SN3"]
    assert [r.result for r in (first, second, third)] == ["F", "P", "T"]
    assert {r.part_number for r in (first, second, third)} == {"PN-7"}
    # The prefix follows the low limit: 900 Ω → e = 2 → kΩ (as the reference converter).
    measurement = first.root.steps[0].steps[0].raw["numericMeas"][0]
    assert (measurement["unit"], measurement["value"], measurement["status"]) == ("kΩ", 1.2, "F")
    assert first.uut is not None
    assert first.uut.test_socket_index == 1
    assert len({r.id for r in (first, second, third)}) == 3


def test_an_xd_out_board_gives_no_report(goldens: Any) -> None:
    text = BATCH + _board("SN1", "13", "{@BLOCK|r1|00\n}\n") + _board("SN2") + "}"
    assert [r.serial_number for r in _text(goldens, text)] == ["SN2"]


def test_one_sided_limits_named_subtests_literals_and_report_texts(goldens: Any) -> None:
    body = (
        "{@BLOCK|q1|00\n"
        "{@A-DIO|0|+6.9E-01|B-E{@LIM2|+8.0E-01|}}\n"
        "{@A-DIO|0|+6.8E-01|B-C{@LIM2||+6.0E-01}}\n"
        "{@RPT~14|a|b}{c}\nsecond}\n"
        "}\n{@TJET|01|003|u5\n}\n"
    )
    [report] = _text(goldens, BATCH + _board("SN1", body=body) + "}")
    dio, tjet = report.root.steps
    [step] = dio.steps
    limits = [(m["name"], m["compOp"], m["lowLimit"], m["highLimit"]) for m in
              step.raw["numericMeas"]]  # fmt: skip
    assert limits == [("B-E", "LE", 0.8, None), ("B-C", "GE", 0.6, None)]
    assert report.uut is not None
    assert report.uut.comment == "a|b}{c}\nsecond"
    assert (tjet.steps[0].name, tjet.steps[0].status) == ("u5", "F")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BATCH + _board("SN1"), r"board.log: line 1: the file ends inside the \{@BATCH record"),
        (BATCH + _board("SN1", "xx") + "}", r"line 2: @BTEST test status: expected a number"),
        (BATCH + "{@BTEST|SN1|00|2612|000012|0\n}}", r"line 2: @BTEST start: expected yyMMdd"),
        (BATCH + _board("S", body="{@A-RES|0|1x{@LIM2|1|0}}\n") + "}", r"line 3: @A-RES value"),
        (BATCH + _board("S", body="{@LIM2|1|0}\n") + "}", r"line 3: @LIM2 outside an analog"),
        (BATCH + _board("S", body="junk\n") + "}", r"line 3: expected '\{' \(a record\)"),
        (BATCH + "}}", r"line 2: '\}' closes no open record"),
    ],
    ids=["unclosed", "status", "date", "value", "limit", "junk", "brace"],
)
def test_broken_files_name_the_line(goldens: Any, text: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _text(goldens, text)


def test_missing_part_number_and_revision_name_the_parameter(goldens: Any) -> None:
    text = "{@BTEST|SN1|00|261207101500|000012|0\n}"
    with pytest.raises(ConversionError, match=r"line 1: the file has no part number.*'part_n"):
        _text(goldens, text)
    [report] = _text(goldens, text, part_number="PN", revision="B")
    assert (report.part_number, report.revision, report.process_code) == ("PN", "B", 10)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_logs_convert_or_fail_with_a_located_error(
    samples: Path, goldens: Any, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    lines = (samples / "i3070" / "i3070-38258378-board2.log").read_bytes().splitlines(True)
    # A third of the sample (each record kind once) keeps the default run short.
    original = b"".join([*lines[:12], *lines[36:40], *lines[60:68], b"}\n", lines[-1]])
    assert len(I3070Converter(PARAMETERS).convert(goldens.source(Path("x"), original))) == 1
    mutate = mutator(seed)
    converter = I3070Converter(PARAMETERS)
    inputs = (mutate.text(original, re.compile(FIELD)) for _ in range(cases))
    outcomes = fuzz(converter.convert, Path("mutated.log")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("i3070") is I3070Converter
