"""Generic CSV → WSJF: the documented examples (goldens, round trip) and the mapping rules.

Hand review of the goldens against examples/converters/ (configured by csv.toml there):

csv-step-per-row.csv → golden/csv/csv-step-per-row.json: 2 reports (PSU-0001, PSU-0002), PN
  PSU-200, rev B and operation 100 from the parameters, operator anna, start 08:15:30 and
  08:17:02 +01:00 (Europe/Oslo). Each: sequences "Power" (3 numeric steps) and "Identity"
  (string + pass/fail), 5 steps. PSU-0001 fails "Ripple" (61 mV, LE 50 in lowLimit) → result F;
  PSU-0002 passes (44 mV) → P. Decimal commas read: 0,42 A within GELE 0.1/0.5.
csv-unit-per-row.csv → golden/csv/csv-unit-per-row.json: 2 reports (BI-1001 P, BI-1002 F from
  the Result column), each with "Vout" (V, GELE 11.8/12.2; 12.31 fails for BI-1002),
  "Temperature" (degC, LOG) and "Firmware" (string, LOG).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.csv import CsvConverter

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "converters"
CONFIG = tomllib.loads((EXAMPLES / "csv.toml").read_text(encoding="utf-8"))["converters"]
SAMPLES = {
    "csv-step-per-row.csv": CONFIG[0]["parameters"],
    "csv-unit-per-row.csv": CONFIG[1]["parameters"],
}


def _convert(goldens: Any, name: str) -> list[UUTReport]:
    return CsvConverter(SAMPLES[name]).convert(goldens.source(EXAMPLES / name))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_documented_example_matches_its_golden(goldens: Any, name: str) -> None:
    reports = _convert(goldens, name)
    goldens.check(f"csv/{name.removesuffix('.csv')}", reports)
    for report in reports:
        report.validate()


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(SAMPLES))
async def test_example_round_trips_through_the_local_server(
    goldens: Any, wats_api: httpx.AsyncClient, name: str
) -> None:
    for report in _convert(goldens, name):
        await goldens.round_trip(wats_api, report)


def _convert_text(
    goldens: Any, text: str, file_encoding: str = "utf-8", **values: Any
) -> list[UUTReport]:
    defaults = {"part_number": "PN", "revision": "A", "operation_code": 10, "timezone": "UTC"}
    data = text.encode(file_encoding)
    return CsvConverter({**defaults, **values}).convert(goldens.source(Path("data.csv"), data))


def test_missing_required_column_names_the_parameter_and_the_header(goldens: Any) -> None:
    with pytest.raises(
        ConversionError,
        match=r"data.csv: line 1: no column 'Start' .*'start_column'.*SerialNumber, Step, Value",
    ):
        _convert_text(goldens, "SerialNumber,Step,Value\nA,x,1\n")


DAY = "A,2026-03-02T08:00:00"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"{DAY},volts,3.3x,,1", r"line 3: column 'Value': expected a number, got '3.3x'"),
        (f"{DAY},volts,3.3,maybe,", r"data.csv: line 3: status 'maybe' is not a step status"),
        ("A,yesterday,volts,3.3,,", r"data.csv: line 2: start 'yesterday' does not match ISO 8601"),
        (f"{DAY},volts,3.3,,,extra", r"data.csv: line 3: 7 fields but the header has 6"),
    ],
)  # fmt: skip
def test_bad_cells_name_the_line(goldens: Any, row: str, message: str) -> None:
    first = "A,2026-03-02T08:00:00,current,0.1,,\n" if "yesterday" not in row else ""
    text = "SerialNumber,Start,Step,Value,Status,Low\n" + first + row + "\n"
    with pytest.raises(ConversionError, match=message):
        _convert_text(goldens, text)


def test_tab_delimiter_latin1_text_and_statuses(goldens: Any) -> None:
    text = "SerialNumber\tStart\tStep\tValue\tStatus\tResult\n"
    text += "Ä-1\t2026-03-02T08:00:00\tTemperatur\t21.5\tSkipped\tPassed\n"
    [report] = _convert_text(goldens, text, "latin-1", delimiter="tab", encoding="latin-1")
    assert report.serial_number == "Ä-1"
    [step] = report.root.steps
    assert (step.name, step.status, report.result) == ("Temperatur", "S", "P")


def test_unit_per_row_limits_and_units_from_the_header(goldens: Any) -> None:
    text = "SerialNumber,Start,Gain [dB],Gain Low,Gain High,Note\n"
    text += "U1,2026-03-02T08:00:00,21.5,20,22,ok\n"
    [report] = _convert_text(goldens, text, layout="unit_per_row")
    gain, note = report.root.steps
    assert gain.raw["numericMeas"] == [
        {"compOp": "GELE", "name": None, "status": "P", "unit": "dB", "value": 21.5,
         "highLimit": 22.0, "lowLimit": 20.0}
    ]  # fmt: skip
    assert (note.name, note.raw["stringMeas"][0]["value"]) == ("Note", "ok")


def test_empty_file_and_header_only_file_are_errors(goldens: Any) -> None:
    with pytest.raises(ConversionError, match="line 1: expected a header row"):
        _convert_text(goldens, "")
    with pytest.raises(ConversionError, match="line 1: the file has a header but no data rows"):
        _convert_text(goldens, "SerialNumber,Start,Step,Value\n")


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_examples_convert_or_fail_with_a_located_error(
    fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    names = sorted(SAMPLES)
    originals = [(EXAMPLES / name).read_bytes() for name in names]
    converters = [CsvConverter(SAMPLES[name]) for name in names]
    mutate = mutator(seed)
    fields = re.compile(rb"[^;,\n]{1,40}")
    for which in (0, 1):
        inputs = (mutate.text(originals[which], fields) for _ in range(cases // 2))
        outcomes = fuzz(converters[which].convert, Path("mutated.csv")).run(inputs)
        assert sum(outcomes.values()) == cases // 2
        assert outcomes["converted"] > 0
        assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("csv") is CsvConverter
