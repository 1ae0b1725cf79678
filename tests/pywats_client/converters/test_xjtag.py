"""XJTAG `.xjlog` → WSJF: goldens of the four samples, the spec's expected results, the server
round trip, damaged and hostile archives, fuzzing.

Hand review of the goldens against the source files (vendor-teradyne-i3070-xjtag.md §4.7):

xjtag-1234-pass.xjlog → 1 report: SN 1234, P, operator ADMINISTRATOR, start
  2018-08-10T12:25:32.996805+00:00 (testrun/@datetime, 7th digit dropped), comment
  "Demonstration hardware"; <xjlink-name /> is empty, so the station is the converting station
  (GOLDEN-STATION) instead of the reference's ""; no execTime; 12 sequences, 19 ET_PFT steps
  with one boolean measurement each, none failed; reportText is every text-output of the
  function joined (first one only in the reference).
xjtag-demo-hw.xjlog → 6 reports, runs 1–6 in order, operator "a", stations OriginalXJLink /
  XJLink2 alternating; results F P F F F P; failed steps CheckChain | – | CONNTEST, D2.Test |
  D4.Test | CONNTEST | –; 2 steps in run 1, 14 in the others; misc info XJLink serial and the
  ProjectPath from Info.xml.
xjtag-55804024-pass.xjlog → SN 55804024, P, operator lumi, comment "FireBird Quad CXP-6
  PCB03B", no xjlink elements (station GOLDEN-STATION), 18 sequences, 35 steps, 0 failed; the
  run-level text-output is not a step.
xjtag-567567-pass.xjlog → SN 567567, P, execTime 47.96 s (time-taken 47960 ms), misc info XJTAG
  version 3.10.0.0, 13 sequences, 24 steps each with totTime (NEW_SERIAL_NUMBER 4.231 s), 2
  skipped (IC3.TestNonDestructive, VerifyIC3): status S and no measurement.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters import _zip as zip_module
from pywats_client.converters.xjtag import XjtagConverter

SAMPLES = sorted(p.name for p in (Path(__file__).parents[2] / "data/samples/xjtag").iterdir())
PARAMETERS = {"part_number": "PN", "revision": "1.0", "operation_code": 210}
# Per report: (sn, result, station, sequences, steps, failed steps, skipped steps).
EXPECTED = {
    "xjtag-1234-pass.xjlog": [("1234", "P", "GOLDEN-STATION", 12, 19, [], [])],
    "xjtag-55804024-pass.xjlog": [("55804024", "P", "GOLDEN-STATION", 18, 35, [], [])],
    "xjtag-567567-pass.xjlog": [
        ("567567", "P", "GOLDEN-STATION", 13, 24, [], ["IC3.TestNonDestructive", "VerifyIC3"])
    ],
    "xjtag-demo-hw.xjlog": [
        ("10001", "F", "OriginalXJLink", 2, 2, ["CheckChain"], []),
        ("1002", "P", "XJLink2", 10, 14, [], []),
        ("10004", "F", "OriginalXJLink", 10, 14, ["CONNTEST", "D2.Test"], []),
        ("10003", "F", "XJLink2", 10, 14, ["D4.Test"], []),
        ("10006", "F", "OriginalXJLink", 10, 14, ["CONNTEST"], []),
        ("10005", "P", "XJLink2", 10, 14, [], []),
    ],
}


def _convert(goldens: Any, path: Path, data: bytes | None = None) -> list[UUTReport]:
    return XjtagConverter(PARAMETERS).convert(goldens.source(path, data))


def _summary(report: UUTReport) -> tuple[object, ...]:
    steps = report.steps()[1:]
    leaves = [s for s in steps if s.step_type != "SequenceCall"]
    return (
        report.serial_number,
        report.result,
        report.station_name,
        len(steps) - len(leaves),
        len(leaves),
        [s.name for s in leaves if s.status == "F"],
        [s.name for s in leaves if s.status == "S"],
    )


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_converts_as_the_spec_says_and_matches_its_golden(
    goldens: Any, samples: Path, name: str
) -> None:
    reports = _convert(goldens, samples / "xjtag" / name)
    assert [_summary(r) for r in reports] == EXPECTED[name]
    for report in reports:
        report.validate()
        leaves = [s for s in report.steps()[1:] if s.step_type != "SequenceCall"]
        assert all(s.step_type == "ET_PFT" for s in leaves)
        measured = [s for s in leaves if s.status != "S"]
        assert all(len(s.raw["booleanMeas"]) == 1 for s in measured)
    goldens.check(f"xjtag/{name.removesuffix('.xjlog')}", reports)


def test_times_are_kept(goldens: Any, samples: Path) -> None:
    [report] = _convert(goldens, samples / "xjtag" / "xjtag-567567-pass.xjlog")
    assert report.uut is not None
    assert report.uut.exec_time == 47.96
    assert report.start == "2020-06-17T13:29:24.2586780+00:00"
    times = {s.name: s.tot_time for s in report.steps()[1:] if s.step_type == "ET_PFT"}
    assert times["NEW_SERIAL_NUMBER"] == 4.231
    assert all(t is not None for t in times.values())
    assert {m.description: m.text for m in report.misc_infos}["XJTAG version"] == "3.10.0.0"


@pytest.mark.anyio
@pytest.mark.parametrize("name", SAMPLES)
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, samples: Path, wats_api: httpx.AsyncClient, name: str
) -> None:
    for report in _convert(goldens, samples / "xjtag" / name):
        await goldens.round_trip(wats_api, report)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _needing_version_12_7(archive: bytes) -> bytes:
    """`archive` with its central directory saying an unzip version Python lacks is needed."""
    at = archive.index(b"PK\x01\x02") + 6  # signature, version made by, version needed
    return archive[:at] + bytes([127, 0]) + archive[at + 2 :]


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_missing_run_names_the_member(goldens: Any, samples: Path) -> None:
    members = _members(samples / "xjtag" / "xjtag-demo-hw.xjlog")
    del members["Run 4.xml"]
    with pytest.raises(ConversionError, match=r"x.xjlog: member 'Run 4.xml': .*no such member"):
        _convert(goldens, Path("x.xjlog"), _zip(members))


def test_an_unknown_result_word_names_the_function_and_line(goldens: Any, samples: Path) -> None:
    members = _members(samples / "xjtag" / "xjtag-1234-pass.xjlog")
    members["Run 1.xml"] = members["Run 1.xml"].replace(b'"Passed"', b'"Maybe"', 1)
    with pytest.raises(
        ConversionError,
        match=r"member 'Run 1.xml', line \d+, <result>: test function '.+' has result 'Maybe'",
    ):
        _convert(goldens, Path("x.xjlog"), _zip(members))


def test_a_zip_bomb_is_refused_without_unpacking_it(goldens: Any) -> None:
    info = b"<LogFileInfo><TestRunCount>1</TestRunCount></LogFileInfo>"
    bomb = _zip(
        {"Info.xml": info, "Run 1.xml": b"<testrun>" + b" " * (zip_module.MEMBER_LIMIT + 1)}
    )
    assert len(bomb) < 200_000
    with pytest.raises(ConversionError, match=r"member 'Run 1.xml': .*larger than"):
        _convert(goldens, Path("bomb.xjlog"), bomb)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", r"byte 0: not a readable ZIP archive"),
        (_needing_version_12_7(_zip({"Info.xml": b"<LogFileInfo/>"})),
         r"byte 0: not a readable ZIP archive \(zip file version 12.7\)"),
        (_zip({"Run 1.xml": b"<testrun/>"}), r"member 'Info.xml': the archive has no such member"),
        (_zip({"Info.xml": b"<LogFileInfo><TestRunCount>x</TestRunCount></LogFileInfo>"}),
         r"member 'Info.xml', line 1, <TestRunCount>: TestRunCount 'x'"),
        (_zip({"Info.xml": b"<LogFileInfo><TestRunCount>1</TestRunCount></LogFileInfo>",
               "Run 1.xml": b'<testrun datetime="2019-10-28T13:52:10Z"><testruninfo/></testrun>'}),
         r"member 'Run 1.xml', line 1, <testruninfo>: has no serial number"),
        (_zip({"Info.xml": b"<!DOCTYPE x [<!ENTITY a 'b'>]><LogFileInfo/>"}),
         r"member 'Info.xml', line 1: DOCTYPE declarations are not accepted"),
    ],
)  # fmt: skip
def test_damaged_archives_are_located_errors(goldens: Any, data: bytes, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _convert(goldens, Path("x.xjlog"), data)


def test_missing_part_number_names_the_parameter(goldens: Any, samples: Path) -> None:
    path = samples / "xjtag" / "xjtag-1234-pass.xjlog"
    with pytest.raises(ConversionError, match="'part_number' is not set"):
        XjtagConverter({"revision": "1.0", "operation_code": 210}).convert(goldens.source(path))


def _mutations(samples: Path, cases: int, seed: int, mutator: Any) -> list[bytes]:
    """Half raw-byte mutations of the archives, half archives rebuilt around one mutated
    member (so the XML reader, not only the ZIP checks, sees the damage)."""
    originals = [(samples / "xjtag" / name) for name in SAMPLES]
    members = [_members(path) for path in originals]
    raw = [path.read_bytes() for path in originals]
    mutate = mutator(seed)
    pick = random.Random(seed)
    out = []
    for case in range(cases):
        index = case % len(originals)
        if case % 2:
            out.append(mutate.bytes(raw[index]))
            continue
        copy = dict(members[index])
        name = pick.choice(sorted(n for n in copy if n.endswith(".xml")))
        copy[name] = mutate.text(copy[name])
        out.append(_zip(copy))
    return out


@pytest.mark.timeout(1800)  # the slow variant on a loaded 2-core machine
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_logs_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    converter = XjtagConverter(PARAMETERS)
    outcomes = fuzz(converter.convert, Path("mutated.xjlog")).run(
        _mutations(samples, cases, seed, mutator)
    )
    assert sum(outcomes.values()) == cases
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("xjtag") is XjtagConverter
