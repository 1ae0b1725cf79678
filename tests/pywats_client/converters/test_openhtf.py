"""OpenHTF JSON test record → WSJF: a real record's golden, the server round trip, the rules.

data/openhtf-psu-0042.json was written by a real OpenHTF 1.6.3 run through
`pywats_client.openhtf_output.record_json` (phases power, identity, sweep, a skipped burn_in).
Hand review of golden/openhtf/openhtf-psu-0042.json against it: SN PSU-0042, PN PSU-200, rev B,
operation 100 and operator anna from the test's metadata, station vm (config.station_id),
start 2026-11-29 (start_time_millis, shown in UTC with timezone UTC), result F (outcome FAIL).
5 phases → 5 sequence calls. power: input_current 0.42 A GELE 0.1/0.5, rail_3v3 3.31 V GELE
3.2/3.4, ripple 61 mV LE 50 (lowLimit) → F, load_steps 4 EQ 4. identity (F: "note" was never
set → S): firmware CASESENSIT "2.4.1" (OpenHTF writes equals() as /^2\\.4\\.1$/), label_present
pass/fail, serial_echo LOG (a real regex). sweep: efficiency as a chart (x A, y %), 3 points.
burn_in S. The attachment fw-log.txt is a report attachment named identity/fw-log.txt.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.openhtf import OpenHtfConverter

RECORD = Path(__file__).parent / "data" / "openhtf-psu-0042.json"


def _convert(goldens: Any, data: bytes | None = None, **values: Any) -> list[UUTReport]:
    return OpenHtfConverter({"timezone": "UTC", **values}).convert(goldens.source(RECORD, data))


def test_real_record_matches_its_golden_and_validates(goldens: Any) -> None:
    reports = _convert(goldens)
    goldens.check("openhtf/openhtf-psu-0042", reports)
    for report in reports:
        report.validate()


@pytest.mark.anyio
async def test_real_record_round_trips_through_the_local_server(
    goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    [report] = _convert(goldens)
    await goldens.round_trip(wats_api, report)


def _record(**changes: Any) -> bytes:
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    record.update(changes)
    return json.dumps(record).encode()


def test_parameters_fill_what_the_metadata_lacks(goldens: Any) -> None:
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    for key in ("part_number", "revision", "operation_code"):
        del record["metadata"][key]
    data = json.dumps(record).encode()
    with pytest.raises(ConversionError, match=r"metadata: .*'part_number' is not set"):
        _convert(goldens, data)
    [report] = _convert(goldens, data, part_number="P-1", revision="C", operation_code=7)
    assert (report.part_number, report.revision, report.process_code) == ("P-1", "C", 7)


@pytest.mark.parametrize(
    ("validators", "value", "expected"),
    [
        (["1 <= x <= 2"], 1.5, ("GELE", 1.0, 2.0)),
        (["-1e-3 <= x"], 0.0, ("GE", -0.001, None)),
        (["x <= 5"], 1, ("LE", 5.0, None)),
        (["x == 3"], 3, ("EQ", 3.0, None)),
        (["1 <= Marginal:1.5 <= x <= Marginal:2.5 <= 3"], 2.0, ("GELE", 1.0, 3.0)),
        (["'x' is within 5% of 10."], 10.2, ("LOG", None, None)),
        ([], 7, ("LOG", None, None)),
    ],
)
def test_numeric_validators_become_limits(
    goldens: Any, validators: list[str], value: float, expected: tuple[str, Any, Any]
) -> None:
    meas = {"name": "m", "outcome": "PASS", "validators": validators, "measured_value": value}
    phase = {"name": "p", "outcome": "PASS", "measurements": {"m": meas}}
    [report] = _convert(goldens, _record(phases=[phase], outcome="PASS"))
    [meas] = report.root.steps[0].steps[0].raw["numericMeas"]
    assert (meas["compOp"], meas["lowLimit"], meas["highLimit"]) == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dut_id": None}, r"dut_id: expected the serial number"),
        ({"outcome": "MAYBE"}, r"outcome: expected one of PASS"),
        ({"start_time_millis": "soon"}, r"start_time_millis: expected milliseconds"),
        (
            {"phases": [{"name": "p", "measurements": []}]},
            r"phases\[0\].measurements: expected an object",
        ),
    ],
)
def test_malformed_records_name_the_json_path(
    goldens: Any, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConversionError, match=r"openhtf-psu-0042.json: " + message):
        _convert(goldens, _record(**change))


def test_not_json_names_line_and_column(goldens: Any) -> None:
    with pytest.raises(ConversionError, match=r"line 2, column 2: not JSON"):
        _convert(goldens, b"{\n}}")


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_records_convert_or_fail_with_a_located_error(
    fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    original = RECORD.read_bytes()
    mutate = mutator(seed)
    values = re.compile(rb': ("?)([^",\n{}\[\]]{1,40})\1')
    converter = OpenHtfConverter({"timezone": "UTC"})
    inputs = (mutate.text(original, values) for _ in range(cases))
    outcomes = fuzz(converter.convert, Path("mutated.json")).run(inputs)
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("openhtf") is OpenHtfConverter
