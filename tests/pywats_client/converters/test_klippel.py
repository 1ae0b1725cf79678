"""Klippel QC result sets → WSJF: the two sample sets against the spec's table, goldens, the
server round trip, the table rules and fuzzing of the main file and its folder.

Hand review of the goldens against tests/data/samples/klippel/ (parameters in PARAMETERS):

dut-xyz115.txt + dut-xyz115/ → golden/klippel/dut-xyz115.json: SN xyz115 (Cfg_SerialNumber),
  PN PartNumber1, rev 1.0, operation 10 (parameters), user win:m.liebig, start
  2020-05-14T10:01:37.563+02:00 (Cfg_DutStartTime, offset field 120 min), misc Cfg_LoginMode
  PROGRAMMER, Cfg_Speaker sp2, FileName dut-xyz115.txt. Sequence Impedance: imp chart (129 rows,
  series values/min/max, LineLogX, avg 4.3008 min 1.7263 max 6.6844, OutOfBounds 20 → F), re
  (value '-' → NaN, GELE 2.8764–3.5156 → F), qts (NaN, LOG). Sequence Sound Pressure: rbz (161
  rows, max only: values/max series without the '-' points, avg NaN), resp (avg 90.8196, min
  66.947, max 104.46, OutOfBounds 0), thd (max only, avg NaN), level 95.203 GELE 91.337–97.337.
  17 measurements, failed steps imp and re, result F (Ctrl_OverallVerdict 0).
dut-xyz116.txt + dut-xyz116/ → golden/klippel/dut-xyz116.json: as above with SN xyz116, start
  10:02:51.303+02:00, re 3.2088, qts 1.1325, level 94.372, imp avg 4.5393 min 3.241 max 8.9525,
  resp avg 90.0197, OutOfBounds 0 everywhere, no failed step, result P (verdict 1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, Source, get_converter, read_companion
from pywats_client.converters.klippel import KlippelConverter

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "klippel"
NAMES = ("dut-xyz115.txt", "dut-xyz116.txt")
PARAMETERS = {"part_number": "PartNumber1", "revision": "1.0", "operation_code": 10}


def _source(goldens: Any, path: Path, data: bytes | None = None, **files: bytes) -> Source:
    companions = read_companion(KlippelConverter.companion(path))
    if files:
        companions = {**(companions or {}), **files}
    return Source(path, path.read_bytes() if data is None else data, goldens.station, companions)


def _convert(goldens: Any, name: str, **files: bytes) -> UUTReport:
    [report] = KlippelConverter(PARAMETERS).convert(_source(goldens, SAMPLES / name, **files))
    return report


@pytest.mark.parametrize("name", NAMES)
def test_sample_set_matches_its_golden_and_validates(goldens: Any, name: str) -> None:
    report = _convert(goldens, name)
    goldens.check(f"klippel/{name.removesuffix('.txt')}", [report])
    report.validate()


def _measurements(report: UUTReport) -> dict[str, list[tuple[str | None, object, str]]]:
    return {
        step.name: [(m["name"], m["value"], m["compOp"]) for m in step.raw["numericMeas"]]
        for sequence in report.root.steps
        for step in sequence.steps
    }


@pytest.mark.parametrize(
    ("name", "serial", "start", "result", "failed"),
    [
        ("dut-xyz115.txt", "xyz115", "2020-05-14T10:01:37.5630000+02:00", "F", ["imp", "re"]),
        ("dut-xyz116.txt", "xyz116", "2020-05-14T10:02:51.3030000+02:00", "P", []),
    ],
)
def test_sample_sets_as_the_spec_table_gives(
    goldens: Any, name: str, serial: str, start: str, result: str, failed: list[str]
) -> None:
    report = _convert(goldens, name)
    assert (report.serial_number, report.part_number, report.revision) == (
        serial, "PartNumber1", "1.0"
    )  # fmt: skip
    assert (report.raw["start"], report.result, report.raw["uut"]["user"]) == (
        start, result, "win:m.liebig"
    )  # fmt: skip
    assert [(m.description, m.text) for m in report.misc_infos] == [
        ("Cfg_LoginMode", "PROGRAMMER"), ("Cfg_Speaker", "sp2"), ("FileName", name)
    ]  # fmt: skip
    tasks = {seq.name: [s.name for s in seq.steps] for seq in report.root.steps}
    assert tasks == {"Impedance": ["imp", "re", "qts"],
                     "Sound Pressure": ["rbz", "resp", "thd", "level"]}  # fmt: skip
    measurements = _measurements(report)
    assert {k: len(v) for k, v in measurements.items()} == {
        "imp": 4, "re": 1, "qts": 1, "rbz": 3, "resp": 4, "thd": 3, "level": 1
    }  # fmt: skip
    failing = [s.name for seq in report.root.steps for s in seq.steps if s.status == "F"]
    assert failing == failed
    charts = {
        s.name: s.raw["chart"] for seq in report.root.steps for s in seq.steps if "chart" in s.raw
    }
    assert {k: [x["name"] for x in c["series"]] for k, c in charts.items()} == {
        "imp": ["values", "min", "max"], "rbz": ["values", "max"],
        "resp": ["values", "min", "max"], "thd": ["values", "max"],
    }  # fmt: skip
    assert {c["chartType"] for c in charts.values()} == {"LineLogX"}
    assert len(charts["imp"]["series"][0]["xdata"].split(";")) == 129
    assert len(charts["resp"]["series"][0]["xdata"].split(";")) == 161
    assert measurements["rbz"][0] == ("avg", "NaN", "LOG")
    assert measurements["imp"][3][0::2] == ("OutOfBounds", "LT")


def test_statistics_match_the_spec(goldens: Any) -> None:
    expected = {
        "dut-xyz115.txt": {"imp": (4.3008, 1.7263, 6.6844, 20), "re": "NaN", "level": 95.203,
                           "resp": (90.8196, 66.947, 104.46, 0)},
        "dut-xyz116.txt": {"imp": (4.5393, 3.241, 8.9525, 0), "re": 3.2088, "level": 94.372,
                           "resp": (90.0197, 67.157, 104.11, 0)},
    }  # fmt: skip
    for name, values in expected.items():
        measurements = _measurements(_convert(goldens, name))
        for step in ("imp", "resp"):
            got = [value for _, value, _ in measurements[step]]
            assert got == pytest.approx(values[step], abs=5e-5), (name, step)
        assert measurements["re"][0][1] == values["re"]
        assert measurements["level"][0][1] == values["level"]


@pytest.mark.anyio
@pytest.mark.parametrize("name", NAMES)
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, wats_api: httpx.AsyncClient, name: str
) -> None:
    await goldens.round_trip(wats_api, _convert(goldens, name))


def test_missing_folder_is_an_error_naming_it(goldens: Any, tmp_path: Path) -> None:
    main = tmp_path / "dut-lonely.txt"
    main.write_bytes((SAMPLES / "dut-xyz115.txt").read_bytes())
    with pytest.raises(ConversionError, match=r"dut-lonely.txt: the result folder 'dut-lonely'"):
        KlippelConverter(PARAMETERS).convert(_source(goldens, main))


def test_columns_are_read_by_name_and_limits_give_one_sided_operators(goldens: Any) -> None:
    report = _convert(
        goldens,
        "dut-xyz116.txt",
        **{
            "Impedance-imp.txt": b"frq\timp\tmin\tmax\n10\t1\t2\t5\n20\t6\t0\t5\n40\t-\t0\t5\n",
            "Impedance-values.txt": b"name\tvalue\tmax\tmin\nre\t3\t2\t\nfs\t50\t\t40\nq\t1\n",
        },
    )
    imp, re_, fs, q = report.root.steps[0].steps
    assert [(m["name"], m["value"]) for m in imp.raw["numericMeas"]] == [
        ("avg", "NaN"), ("min", "NaN"), ("max", 6.0), ("OutOfBounds", 2.0)
    ]  # fmt: skip
    assert imp.raw["chart"]["series"][1] == {
        "dataType": "XYG", "name": "min", "xdata": "10.0;20.0;40.0", "ydata": "2.0;0.0;0.0"
    }  # fmt: skip
    assert [s.raw["numericMeas"][0]["compOp"] for s in (re_, fs, q)] == ["LE", "GE", "LOG"]
    assert (re_.raw["numericMeas"][0]["lowLimit"], re_.status) == (2.0, "F")


@pytest.mark.parametrize(
    ("main", "files", "message"),
    [
        (b"Cfg_SerialNumber=x\n", {}, r"dut-xyz115.txt: no value for Cfg_DutStartTime"),
        (b"//c\nCfg_SerialNumber=x\nnonsense\n", {}, r"dut-xyz115.txt line 3: expected Key=Value"),
        (None, {"Impedance-imp.txt": b"frq\timp\tmax\n10\t1\t2\t3\n"},
         r"dut-xyz115/Impedance-imp.txt line 2: 4 fields but the header has 3"),
        (None, {"Impedance-imp.txt": b"frq\timp\tmax\n10\tone\t2\n"},
         r"dut-xyz115/Impedance-imp.txt line 2: expected a number or '-', got 'one'"),
        (None, {"Impedance-imp.txt": b"frq\timp\tmaximum\n"},
         r"dut-xyz115/Impedance-imp.txt line 1: unknown column\(s\) maximum"),
        (None, {"Impedance-x.txt": b"freq\tx\n"}, r"dut-xyz115/Impedance-x.txt line 1: header"),
    ],
)  # fmt: skip
def test_broken_sets_name_the_file_and_line(
    goldens: Any, main: bytes | None, files: dict[str, bytes], message: str
) -> None:
    path = SAMPLES / "dut-xyz115.txt"
    with pytest.raises(ConversionError, match=message):
        KlippelConverter(PARAMETERS).convert(_source(goldens, path, main, **files))


def test_verdict_other_than_one_fails_and_a_pc_name_is_the_station(goldens: Any) -> None:
    path = SAMPLES / "dut-xyz116.txt"
    data = path.read_bytes().replace(b"Ctrl_OverallVerdict=1", b"Ctrl_OverallVerdict=2")
    data = data.replace(b"Cfg_PCName=\n", b"Cfg_PCName=KLIPPEL-PC\n")
    [report] = KlippelConverter(PARAMETERS).convert(_source(goldens, path, data))
    assert (report.result, report.raw["machineName"]) == ("F", "KLIPPEL-PC")


def _cases(
    mutate: Any, path: Path, cases: int, companions: dict[str, bytes], current: list[Any]
) -> Iterator[bytes]:
    """Mutated main files, and (every other case) the true main file with one folder file
    mutated; `current[0]` holds the folder the next case converts with."""
    main = path.read_bytes()
    names = sorted(companions)
    cells = re.compile(rb"[^\t\n=]{1,40}")
    for case in range(cases):
        if case % 2:
            name = names[case // 2 % len(names)]
            current[0] = {**companions, name: mutate.text(companions[name], cells)}
            yield main
        else:
            current[0] = companions
            yield mutate.text(main, cells)


@pytest.mark.timeout(3600)  # the slow 20,000 cases on a loaded machine
@pytest.mark.parametrize(
    ("cases", "seed", "slow"),
    [(2000, 1, False), pytest.param(20000, 2, True, marks=pytest.mark.slow)],
)
def test_mutated_sets_convert_or_fail_with_a_located_error(
    goldens: Any, fuzz: Any, mutator: Any, cases: int, seed: int, slow: bool
) -> None:
    mutate = mutator(seed)
    converter = KlippelConverter(PARAMETERS)
    for name in NAMES:
        path = SAMPLES / name
        companions = read_companion(KlippelConverter.companion(path)) or {}
        if not slow:  # the first 20 rows of each table: every kind of row, a seventh the bytes
            companions = {k: b"".join(v.splitlines(True)[:20]) for k, v in companions.items()}
        current: list[Any] = [companions]

        def convert(source: Source, current: list[Any] = current) -> list[UUTReport]:
            return converter.convert(Source(source.path, source.data, source.station, current[0]))

        inputs = _cases(mutate, path, cases // 2, companions, current)
        outcomes = fuzz(convert, path).run(inputs)
        assert sum(outcomes.values()) == cases // 2
        assert outcomes["converted"] > 0
        assert outcomes["ConversionError"] > 0


def test_companion_is_the_folder_of_the_same_name() -> None:
    assert KlippelConverter.companion(Path("/in/DUT a.txt")) == Path("/in/DUT a")
    assert KlippelConverter.companion(Path("/in/DUT a.csv")) is None


def test_registered_under_its_type_name() -> None:
    assert get_converter("klippel") is KlippelConverter
