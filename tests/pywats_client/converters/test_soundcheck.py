"""Listen SoundCheck text data logs → WSJF: the samples against the spec's tables, goldens, the
server round trip, the US/EU variants, limit curves and fuzzing.

Hand review of the goldens against tests/data/samples/soundcheck/ (parameters in PARAMETERS):

soundcheck-us-wats18.txt → golden/soundcheck/soundcheck-us-wats18.json: 11 reports WATS2 …
  WATS12 (rows change serial every 7 lines), PN WATS_PN_12345 (Lot #), rev 1.0, operation 10,
  operator oper, starts 2020-11-02 16:36:07 … 16:36:28 (Time column, UTC here). Each: 4 numeric
  steps (Ave Sensitivity GELE 32/33 dB from "33.0/32.0", three margins LOG) + 3 chart steps
  (Fundamental 58 points Hz / dB re 20u Pa, THD 58 Hz / %, Rub & Buzz 42 Hz / %), LineLogX from
  "x axis log" + "y axis lin". Statuses are the file's verdicts; failed steps 4 4 4 4 1 3 3 4 4 3
  1 (35), every result F. Fundamental's x runs 5000 → 50 Hz, as in the file.
soundcheck-us-complete.txt → golden/soundcheck/soundcheck-us-complete.json: the Operator column
  (which breaks the reference) is read by its label: 8 reports, operator Rick, serials S/N 13 …
  S/N 20 written as S-N 13 … (WATS refuses / in serial numbers; the original is misc info
  "Serial #", likewise Lot # P/N #12345 → P-N #12345). 5 numeric steps each (Ave Sensitivity
  95.50 dB GELE 90/100, Polarity 90 deg. LOG, three margins LOG), all P.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.soundcheck import SoundCheckConverter

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "soundcheck"
NAMES = ("soundcheck-us-complete.txt", "soundcheck-us-wats18.txt")
PARAMETERS = {"revision": "1.0", "operation_code": 10, "operator": "oper", "timezone": "UTC"}


def _convert(goldens: Any, name: str, **values: Any) -> list[UUTReport]:
    converter = SoundCheckConverter({**PARAMETERS, **values})
    return converter.convert(goldens.source(SAMPLES / name))


def _text(goldens: Any, text: str, **values: Any) -> list[UUTReport]:
    converter = SoundCheckConverter({**PARAMETERS, **values})
    return converter.convert(goldens.source(Path("log.txt"), text.encode()))


def _failed(report: UUTReport) -> int:
    return sum(1 for step in report.root.steps if step.status == "F")


@pytest.mark.parametrize("name", NAMES)
def test_sample_matches_its_golden_and_validates(goldens: Any, name: str) -> None:
    reports = _convert(goldens, name)
    goldens.check(f"soundcheck/{name.removesuffix('.txt')}", reports)
    for report in reports:
        report.validate()


def test_wats18_as_the_spec_table_gives(goldens: Any) -> None:
    reports = _convert(goldens, "soundcheck-us-wats18.txt")
    assert [r.serial_number for r in reports] == [f"WATS{n}" for n in range(2, 13)]
    assert {(r.part_number, r.revision, r.result) for r in reports} == {
        ("WATS_PN_12345", "1.0", "F")
    }
    seconds = [r.raw["start"][17:19] for r in reports]
    assert seconds == ["07", "09", "11", "13", "15", "17", "19", "21", "23", "25", "28"]
    assert [_failed(r) for r in reports] == [4, 4, 4, 4, 1, 3, 3, 4, 4, 3, 1]
    for report in reports:
        assert report.raw["uut"]["user"] == "oper"
        steps = report.root.steps
        names = [s.name for s in steps]
        assert names == ["Ave Sensitivity", "Response margin", "THD margin", "Rub & Buzz margin",
                         "Fundamental", "THD", "Rub & Buzz"]  # fmt: skip
        sensitivity = steps[0].raw["numericMeas"][0]
        assert (sensitivity["compOp"], sensitivity["lowLimit"], sensitivity["highLimit"]) == (
            "GELE",
            32.0,
            33.0,
        )
        assert [s.raw["numericMeas"][0]["compOp"] for s in steps[1:4]] == ["LOG"] * 3
        charts = [s.raw["chart"] for s in steps[4:]]
        assert [len(c["series"][0]["xdata"].split(";")) for c in charts] == [58, 58, 42]
        assert [(c["xUnit"], c["yUnit"]) for c in charts] == [
            ("Hz", "dB re 20u Pa"), ("Hz", "%"), ("Hz", "%")
        ]  # fmt: skip
        assert {c["chartType"] for c in charts} == {"LineLogX"}
        assert all(s.raw["numericMeas"] == [] for s in steps[4:])


def test_complete_test_reads_the_operator_column(goldens: Any) -> None:
    reports = _convert(goldens, "soundcheck-us-complete.txt")
    assert [r.serial_number for r in reports] == [f"S-N {n}" for n in range(13, 21)]
    assert {(r.part_number, r.result, r.raw["uut"]["user"]) for r in reports} == {
        ("P-N #12345", "P", "Rick")
    }
    first = reports[0]
    assert [(m.description, m.text) for m in first.misc_infos] == [
        ("Serial #", "S/N 13"), ("Lot #", "P/N #12345")
    ]  # fmt: skip
    values = [(s.name, s.raw["numericMeas"][0]["value"], s.raw["numericMeas"][0]["unit"])
              for s in first.root.steps]  # fmt: skip
    assert values == [("Ave Sensitivity", 95.5, "dB"), ("Polarity", 90.0, "deg."),
                      ("Response margin", 3.0, "dB"), ("THD margin", 2.0, "%"),
                      ("Rub & Buzz margin", 0.1, "%")]  # fmt: skip
    assert [r.raw["start"][11:19] for r in reports][-1] == "10:22:29"


def test_without_replacement_a_slash_in_the_serial_is_refused(goldens: Any) -> None:
    with pytest.raises(ConversionError, match=r"(?s)line 2: .*sn: 'S/N 13' contains '/'"):
        _convert(goldens, "soundcheck-us-complete.txt", search_char_replacement="")


@pytest.mark.anyio
@pytest.mark.parametrize("name", NAMES)
async def test_sample_round_trips_through_the_local_server(
    goldens: Any, wats_api: httpx.AsyncClient, name: str
) -> None:
    for report in _convert(goldens, name):
        await goldens.round_trip(wats_api, report)


RESULTS_HEADER = "Serial #:\tTime: \tLot #: \tName\tMargin\tUnit\tResult\tTolerance\tLimits\n"
CURVE = "Serial #:\tTime: \tLot #: \t{}\t\tx data lin\ty data dB\tz data lin\t\t{}\t{}\tz axis lin\t\tHz\tdB\tdeg.\t\t\n"  # noqa: E501


def _eu_file() -> str:
    row = "EU1\t22.07.2020 14:22:14\tPN-1\t"
    return (
        RESULTS_HEADER
        + row + "Ave Sensitivity\t95,50\tdB\tPASS\tMax/Min\t100,0/90,0\n"
        + CURVE.format("Response", "x axis log", "y axis log")
        + row + "100,0\t1000,5\t10000\n"
        + row + "80,25\t90\t85,5\n"
    )  # fmt: skip


def test_eu_variant_reads_decimal_commas_and_day_first_dates(goldens: Any) -> None:
    [report] = _text(goldens, _eu_file(), variant="EU")
    assert report.raw["start"].startswith("2020-07-22T14:22:14")
    sensitivity, response = report.root.steps
    meas = sensitivity.raw["numericMeas"][0]
    assert (meas["value"], meas["lowLimit"], meas["highLimit"], meas["status"]) == (
        95.5, 90.0, 100.0, "P"
    )  # fmt: skip
    chart = response.raw["chart"]
    assert chart["chartType"] == "LineLogXY"
    assert (chart["series"][0]["xdata"], chart["series"][0]["ydata"]) == (
        "100.0;1000.5;10000.0", "80.25;90.0;85.5"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "variant", "message"),
    [
        (_eu_file(), "US",
         r"line 2: .*not a valid month/day date in the US variant: the file may be the EU variant"),
        (_eu_file().replace("22.07", "02.07"), "US", r"line 2: 'Margin' '95,50' has a decimal "
         r"comma, which the US variant does not use: the file looks like the EU variant"),
        (RESULTS_HEADER + "U1\t11/2/2020 4:36:07 PM\tPN\tx\t1.5\tdB\tPASS\tMax/Min\t2/1\n", "EU",
         r"line 2: time .* has AM/PM, which the EU variant does not use"),
        (RESULTS_HEADER + "U1\t11/2/2020 16:36:07\tPN\tx\t1.5\tdB\tPASS\tMax/Min\t2/1\n", "EU",
         r"line 2: 'Margin' '1.5' has a decimal point, .* looks like the US variant"),
    ],
)  # fmt: skip
def test_numbers_and_dates_that_cannot_be_the_variant_are_errors(
    goldens: Any, text: str, variant: str, message: str
) -> None:
    with pytest.raises(ConversionError, match=message):
        _text(goldens, text, variant=variant)


def test_limit_curves_join_their_items_chart_and_a_file_may_start_with_curves(
    goldens: Any,
) -> None:
    row = "U1\t11/2/2020 4:36:07 PM\tPN\t"
    text = "".join(
        CURVE.format(name, "x axis log", "y axis lin") + row + "100\t1000\n" + row + f"{y}\n"
        for name, y in (("Response Upper Limit", "95\t95"), ("Response", "90\t91"),
                        ("Response Lower Limit", "85\t85"), ("Phase", "1\t2"))
    )  # fmt: skip
    text += row + "200\t2000\n" + row + "3\t4\n"  # a pair without its own header: Phase again
    [report] = _text(goldens, text)
    response, phase, phase_again = report.root.steps
    assert [s["name"] for s in response.raw["chart"]["series"]] == [
        "Response", "HighLimit", "LowLimit"
    ]  # fmt: skip
    assert response.raw["chart"]["series"][1]["ydata"] == "95.0;95.0"
    assert (phase.name, phase_again.name) == ("Phase", "Phase")
    assert phase_again.raw["chart"]["series"][0]["xdata"] == "200.0;2000.0"


def test_same_serial_after_another_starts_a_new_report(goldens: Any) -> None:
    rows = [f"{sn}\t11/2/2020 4:36:0{i} PM\tPN\tx\t1\tdB\tPASS\tMax/Min\t2/0\n"
            for i, sn in enumerate(("A", "A", "B", "A"))]  # fmt: skip
    reports = _text(goldens, RESULTS_HEADER + "".join(rows))
    assert [(r.serial_number, len(r.root.steps)) for r in reports] == [("A", 2), ("B", 1), ("A", 1)]


def test_a_later_results_header_with_the_operator_column_and_later_times_of_one_unit(
    goldens: Any,
) -> None:
    operator_header = RESULTS_HEADER.replace("Serial #:\t", "Serial #:\tOperator: \t")
    text = (
        RESULTS_HEADER + "A\t11/2/2020 4:36:07 PM\tPN\tx\t1\tdB\tPASS\tMax/Min\t2/0\n"
        + operator_header + "A\tRick\t11/2/2020 4:40:00 PM\tPN\ty\t2\tdB\tPASS\tMax/Min\t3/1\n"
        + "B\tAnna\t11/2/2020 4:41:00 PM\tPN\tx\t1\tdB\tFAIL\tMax/Min\t2/0\n"
    )  # fmt: skip
    first, second = _text(goldens, text)
    assert [s.name for s in first.root.steps] == ["x", "y"]
    assert first.raw["start"].startswith("2020-11-02T16:36:07")  # the unit's first row
    assert (second.serial_number, second.raw["uut"]["user"], second.result) == ("B", "Anna", "F")


def test_value_outside_max_min_fails_the_unit_even_when_the_row_says_pass(goldens: Any) -> None:
    text = RESULTS_HEADER + "A\t11/2/2020 4:36:07 PM\tPN\tx\t5\tdB\tPASS\tMax/Min\t2/0\n"
    [report] = _text(goldens, text)
    step = report.root.steps[0]
    assert (step.status, step.raw["numericMeas"][0]["status"], report.result) == ("P", "F", "F")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CURVE.format("R", "x axis log", "y axis lin") + "A\t11/2/2020 4:36:07 PM\tPN\t1\t2\n",
         r"line 2: curve 'R': the x values row has no y values row after it"),
        (CURVE.format("R", "x axis log", "y axis lin") + "A\t11/2/2020 4:36:07 PM\tPN\t1\t2\n"
         "A\t11/2/2020 4:36:07 PM\tPN\t1\n", r"line 3: curve 'R': 1 y values but 2 x values"),
        ("A\t11/2/2020 4:36:07 PM\tPN\t1\t2\n", r"line 1: curve values before any curve header"),
        (RESULTS_HEADER + "A\t11/2/2020 4:36:07 PM\tPN\tx\t1\tdB\tMAYBE\tMax/Min\t2/0\n",
         r"line 2: 'Result' 'MAYBE' is not a verdict"),
        (RESULTS_HEADER + "A\t11/2/2020 4:36:07 PM\tPN\tx\t1\tdB\tPASS\tMax/Min\tN/A\n",
         r"line 2: 'Limits' 'N/A': expected <max>/<min>"),
        (RESULTS_HEADER + "A\tyesterday\tPN\tx\t1\tdB\tPASS\tMax/Min\t2/0\n",
         r"line 2: time 'yesterday' does not match the US form"),
        (RESULTS_HEADER, r"line 1: expected SoundCheck results or curve rows, found none"),
    ],
)  # fmt: skip
def test_broken_files_name_the_line(goldens: Any, text: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        _text(goldens, text)


def test_part_number_falls_back_to_the_parameter_and_is_required(goldens: Any) -> None:
    text = RESULTS_HEADER + "A\t11/2/2020 4:36:07 PM\t\tx\t1\tdB\tPASS\tTolerance curves\tX\n"
    [report] = _text(goldens, text, part_number="SPK-1")
    assert report.part_number == "SPK-1"
    with pytest.raises(ConversionError, match="line 2: the file has no part number"):
        _text(goldens, text)


def _fuzz_seeds(full: bool) -> list[tuple[str, bytes]]:
    """The samples to mutate; the quick run takes the header and first two units of each
    (every kind of line, a fraction of the bytes) so 2,000 cases stay fast."""
    seeds = []
    for name, two_units in (("soundcheck-us-complete.txt", 11), ("soundcheck-us-wats18.txt", 27)):
        data = (SAMPLES / name).read_bytes()
        if not full:
            data = b"".join(data.splitlines(keepends=True)[:two_units])
        seeds.append((name, data))
    return seeds


@pytest.mark.timeout(3600)  # the slow 20,000 cases on a loaded machine
@pytest.mark.parametrize(
    ("cases", "seed", "full"),
    [(2000, 1, False), pytest.param(20000, 2, True, marks=pytest.mark.slow)],
)
def test_mutated_samples_convert_or_fail_with_a_located_error(
    fuzz: Any, mutator: Any, cases: int, seed: int, full: bool
) -> None:
    mutate = mutator(seed)
    cells = re.compile(rb"[^\t\n]{1,40}")
    converter = SoundCheckConverter(PARAMETERS)
    for name, original in _fuzz_seeds(full):
        inputs = (mutate.text(original, cells) for _ in range(cases // 2))
        outcomes = fuzz(converter.convert, Path(name)).run(inputs)
        assert sum(outcomes.values()) == cases // 2
        assert outcomes["converted"] > 0
        assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("soundcheck") is SoundCheckConverter
