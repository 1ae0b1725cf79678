"""Teradyne Nano-51e → WSJF. No tester file exists anywhere we could read (the reference
repository has none), so every file here is written from vendor-takaya-spea-nano.md §3: the
header in the file name, one header line, then `<name>[<group>],<value><unit>,<low>,<high>,<st>`.

Hand review of golden/teradyne-nano/constructed.json against NANO below: PN PCB-7788, SN
X7700456, start 2024-03-15 10:30:12 (+01:00 by the timezone parameter), result P (status OK),
misc info "SMT Production Date" 20240301, root "MainSequence"; sequences Resistors, Power in
order of first appearance (R13 goes back into Resistors); R12 10.02 kOhm GELE 9.5…10.5 P;
VCC 3.28 V GELE 3.2…3.4 P; R13 GELE with its limits printed in Ohm rescaled to kOhm
(9500 Ohm → 9.5); I_LEAK 1.2e-3 uA LE 5 uA (empty low limit); VREF 2.49 V F (status FAIL).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats_client.converters import ConversionError, ParameterError, get_converter
from pywats_client.converters.teradyne_nano import TeradyneNanoConverter

from ._ict_checks import mutate_lines

PARAMETERS = {"revision": "B", "timezone": "+01:00"}
NAME = Path("A%PCB-7788%20240301%X7700456_OK_20240315103012.csv")
NANO = (
    b"Test,Value,Low,High,Status\r\n"
    b"R12[Resistors],10.02kOhm,9.5kOhm,10.5kOhm,PASS\r\n"
    b"VCC[Power],3.28V,3.2V,3.4V,PASS\r\n"
    b"R13[Resistors],10.1kOhm,9500Ohm,10500Ohm,PASS\r\n"
    b"I_LEAK[Power],1.2E-3uA,,5uA,PASS\r\n"
    b"VREF[Power],2.49V,2.5V,2.6V,FAIL\r\n"
    b"\r\n"
)


def _convert(goldens: Any, data: bytes = NANO, path: Path = NAME, **values: Any) -> Any:
    return TeradyneNanoConverter({**PARAMETERS, **values}).convert(goldens.source(path, data))


def test_constructed_file_matches_its_golden(goldens: Any) -> None:
    [report] = _convert(goldens)
    goldens.check("teradyne-nano/constructed", [report])
    report.validate()
    assert (report.part_number, report.serial_number, report.result) == (
        "PCB-7788",
        "X7700456",
        "P",
    )
    assert report.start == "2024-03-15T10:30:12.0000000+01:00"
    assert [s.name for s in report.root.steps] == ["Resistors", "Power"]
    r13 = report.root.steps[0].steps[1]
    assert r13.raw["numericMeas"][0] == {"compOp": "GELE", "name": None, "status": "P",
        "unit": "kOhm", "value": 10.1, "highLimit": 10.5, "lowLimit": 9.5}  # fmt: skip
    leak, vref = report.root.steps[1].steps[1:]
    assert (leak.raw["numericMeas"][0]["compOp"], leak.raw["numericMeas"][0]["lowLimit"]) == (
        "LE",
        5.0,
    )
    assert (vref.status, report.root.steps[1].status) == ("F", "F")


def test_result_comes_from_the_file_name_and_grouping_can_be_off(goldens: Any) -> None:
    path = Path("A%PCB-77%20240301%X77_A_NG_20240315103012.csv")  # the serial may hold a '_'
    [report] = _convert(goldens, path=path, group_steps=False)
    assert (report.part_number, report.serial_number, report.result) == ("PCB-77", "X77_A", "F")
    assert [s.name for s in report.root.steps] == ["R12", "VCC", "R13", "I_LEAK", "VREF"]


@pytest.mark.anyio
async def test_round_trips_through_the_local_server(
    goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    [report] = _convert(goldens)
    await goldens.round_trip(wats_api, report)


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        (Path("result.csv"), NANO, r"result.csv: file name: expected a name A%"),
        (Path("A%P%D%S_OK_20241399103012.csv"), NANO, r"file name: '20241399103012' is not a date"),
        (Path("A%P%7%D%S_OK_20240315103012.csv"), NANO,
         r"file name: invalid report(?s:.*)pn: 'P%7' contains '%'"),
        (NAME, b"", r"line 1: the file is empty"),
        (NAME, b"h\n", r"line 2: the file has a header line but no test lines"),
        (NAME, b"h\nR1,1V,0V,2V,PASS\n", r"line 2: test name 'R1' does not end in \[<group>\]"),
        (NAME, b"h\nR1[a],1V,0V\n", r"line 2: expected 5 ','-separated fields, found 3"),
        (NAME, b"h\n\nR1[a],x1V,0V,2V,PASS\n", r"line 3: value 'x1V' is not a number"),
    ],
)  # fmt: skip
def test_bad_files_name_the_place(goldens: Any, path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _convert(goldens, data, path)


def test_revision_is_a_required_parameter() -> None:
    with pytest.raises(ParameterError, match=r"parameter 'revision': required"):
        TeradyneNanoConverter()


@pytest.mark.parametrize(
    ("cases", "seed"),
    [(2000, 1), pytest.param(30000, 2, marks=[pytest.mark.slow, pytest.mark.timeout(3600)])],
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    goldens: Any, fuzz: Any, cases: int, seed: int
) -> None:
    rng = random.Random(seed)
    inputs = (mutate_lines(NANO, rng, b",") for _ in range(cases))
    outcomes = fuzz(TeradyneNanoConverter(PARAMETERS).convert, NAME).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > cases // 10
    assert outcomes["ConversionError"] > cases // 10


def test_registered_under_its_type_name() -> None:
    assert get_converter("teradyne-nano") is TeradyneNanoConverter
