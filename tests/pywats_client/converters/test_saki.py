"""SAKI AOI XML → WSJF: the sample's golden and the spec's expected result, boards of a panel,
defect codes and pins, the server round trip, located errors, fuzzing.

Hand review of golden/saki/saki-aoi.json against the source (spec §1.8): 1 report (no image has
a barcode of its own, so the panel is the one board), SN SN123456789, PN PN1 (Panel/@side), rev
A (parameter; the file has none), operator Operator, start 2024-01-10T08:59:14+01:00 (MM/dd/yyyy,
Europe/Oslo), sequence "Test Sequence" with version 1.0.0 (parameter, as the Program's ver is
empty), result F. Under the root: Image 1 (F) with False Calls (P, 23 steps) and Failed (F, 6:
C1164 C123 C1161 M103 C1162 C1165), Image 2 (P, False Calls 2), Image 3 (P, False Calls 3): 7
sequences, 34 ET_SVT steps without measurements (28 P, 6 F); each keeps its part number,
package and description as the additional result "Component".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.saki import SakiConverter

PARAMETERS = {"revision": "A", "operation_code": 10, "timezone": "Europe/Oslo"}
FAILED = ["C1164", "C123", "C1161", "M103", "C1162", "C1165"]


def _convert(goldens: Any, path: Path, data: bytes | None = None) -> list[UUTReport]:
    return SakiConverter(PARAMETERS).convert(goldens.source(path, data))


def test_sample_converts_as_the_spec_says_and_matches_its_golden(
    goldens: Any, samples: Path
) -> None:
    [report] = _convert(goldens, samples / "saki" / "saki-aoi.xml")
    report.validate()
    assert report.uut is not None
    assert (report.serial_number, report.part_number, report.result, report.uut.user) == (
        "SN123456789",
        "PN1",
        "F",
        "Operator",
    )
    assert report.start == "2024-01-10T08:59:14.0000000+01:00"
    steps = report.steps()[1:]
    sequences = [(s.name, s.status, len(s.steps)) for s in steps if s.step_type == "SequenceCall"]
    assert sequences == [
        ("Image 1", "F", 2), ("False Calls", "P", 23), ("Failed", "F", 6),
        ("Image 2", "P", 1), ("False Calls", "P", 2),
        ("Image 3", "P", 1), ("False Calls", "P", 3),
    ]  # fmt: skip
    components = [s for s in steps if s.step_type == "ET_SVT"]
    assert len(components) == 34
    assert [s.name for s in components if s.status == "F"] == FAILED
    assert sum(len(s.raw["stringMeas"]) for s in components) == 0
    goldens.check("saki/saki-aoi", [report])


@pytest.mark.anyio
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, samples: Path, wats_api: httpx.AsyncClient
) -> None:
    for report in _convert(goldens, samples / "saki" / "saki-aoi.xml"):
        await goldens.round_trip(wats_api, report)


_PANEL = """<Panel barcode="PNL-1" result="failed" startDate="03/02/2026" startTime="14:05:00"
 side="PN-9" operator="Kari"><Program name="AOI top" ver="4.2" />{}</Panel>"""


def _image(number: int, barcode: str, result: str, failed: str = "") -> str:
    return (
        f'<Image barcode="{barcode}" id="{number}" result="{result}"><Results>'
        f'<FalseCalls><Reference designator="R{number}" partNumber="1" package="R0603"/>'
        f"</FalseCalls><Failed>{failed}</Failed></Results></Image>"
    )


def test_each_board_with_its_own_barcode_is_a_report(goldens: Any) -> None:
    defect = '<Reference designator="U7" partNumber="IC-3" defectCode="12" pin="4"/>'
    images = _image(1, "B-1", "passed") + _image(2, "B-2", "failed", defect)
    reports = _convert(goldens, Path("panel.xml"), _PANEL.format(images).encode())
    assert [(r.serial_number, r.result, r.part_number) for r in reports] == [
        ("B-1", "P", "PN-9"),
        ("B-2", "F", "PN-9"),
    ]
    assert [s.name for s in reports[1].root.steps] == ["Image 2"]
    [u7] = [s for s in reports[1].steps() if s.name == "U7"]
    assert u7.status == "F"
    assert u7.report_text == "Defect code 12, Pin 4"
    props = u7.additional_results[0].raw["props"]
    assert {p["name"]: p["value"] for p in props} == {
        "Part number": "IC-3",
        "Defect code": "12",
        "Pin": "4",
    }
    assert reports[0].root.seq_call is not None
    assert (reports[0].root.seq_call.name, reports[0].root.seq_call.version) == (
        "AOI top",
        "4.2",
    )


def test_images_without_a_barcode_stay_on_the_panel(goldens: Any) -> None:
    images = _image(1, "N/A", "passed") + _image(2, "B-2", "passed") + _image(3, "", "passed")
    reports = _convert(goldens, Path("panel.xml"), _PANEL.format(images).encode())
    assert [(r.serial_number, [s.name for s in r.root.steps]) for r in reports] == [
        ("PNL-1", ["Image 1", "Image 3"]),
        ("B-2", ["Image 2"]),
    ]
    assert reports[0].result == "F"  # the panel's verdict


def test_defect_elements_name_code_and_pin(goldens: Any) -> None:
    failed = (
        '<Reference designator="Q2"><Defect code="7" defectName="Bridge" pin="1"/>'
        '<Defect code="9" defectName="Lifted lead" pin="3"/></Reference>'
    )
    images = _image(1, "N/A", "failed", failed)
    [report] = _convert(goldens, Path("panel.xml"), _PANEL.format(images).encode())
    [q2] = [s for s in report.steps() if s.name == "Q2"]
    assert q2.report_text == (
        "Defect code 7, Defect Bridge, Pin 1, Defect code 9, Defect Lifted lead, Pin 3"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<Panel barcode="" result="passed"/>', r"line 1, <Panel>: has no barcode"),
        ('<Panel barcode="X" startDate="1/32/2024" startTime="08:00:00"/>',
         r"line 1, <Panel>: startDate/startTime '1/32/2024 08:00:00' is not MM/dd/yyyy HH:mm:ss"),
        (_PANEL.format('<Image id="1" result="passed"/>'), r"line 2, <Image>: has no Results"),
        ("<UnitReport/>", r"line 1, <UnitReport>: is not a SAKI Panel root"),
    ],
)  # fmt: skip
def test_bad_files_are_located_errors(goldens: Any, text: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _convert(goldens, Path("panel.xml"), text.encode())


@pytest.mark.timeout(1800)  # the slow variant on a loaded 2-core machine
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_files_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    original = (samples / "saki" / "saki-aoi.xml").read_bytes()
    mutate = mutator(seed)
    converter = SakiConverter(PARAMETERS)
    outcomes = fuzz(converter.convert, Path("mutated.xml")).run(
        mutate.text(original) for _ in range(cases)
    )
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("saki") is SakiConverter
