"""STDF V4 → WSJF: the lot2 golden, the server round trip, and the mapping on synthetic files.

Hand review of the goldens against lot2.stdf.gz (record facts from formats.md §3.8, checked by
walking the records):

golden/stdf/lot2-summary.json: 1569 reports, one per PRR, serials "1" … "1569" (PART_ID).
  1389 P and 180 F (PART_FLG 0 ×1389, 8 ×180). 784 parts carry steps (the logged ones, GDR
  IMAGE_PART_ID); each logged part has one nested sequence "seqU738" (BPS). 52403 numeric
  steps = PTRs: 52322 P, 66 F (TEST_FLG 0x80), 15 E (0x81: alarm and failed). Operators: GELE
  ×52257 and LE ×146 (test 1300 "Uvlo hysteresis", OPT_FLAG bit 6: no low limit, its high
  limit 1.0 in lowLimit). No PARM_FLG bit 6/7 anywhere, so the inclusive operators. `sha256` is
  over every report's WSJF: any change to any report fails the test.
golden/stdf/lot2-parts.json: the parts at indexes 0, 1, 2, 37, 465 in full:
  0 (SN 1): bare PIR/PRR, F, hard/soft bin 5, X 19 Y −3, no steps.
  1 (SN 2): logged, P, 74 steps under seqU738; first "1000 glxy_SS_IH     <> glxy_pin2" value
    −0.66164064 V GELE −0.9/−0.4 (R*4 printed as the shortest decimal), unit "v".
  2 (SN 3): bare, P.
  37 (SN 38): the first failed logged part: 32 steps, testing stopped at the failing step (no
    EPS), 1 step F; result F.
  465 (SN 466): the first part with an alarm: one step E (TEST_FLG 0x81), measurement F.
  Header for all: PN GOLD8BAR (PART_TYP), station galaxy-t (NODE_NAM), operator ews, batch SN
  GAL-LOT, start 2001-06-05T20:50:22+00:00 (START_T 991774222 as UTC), root "mobile-05" version
  "16", misc infos Wafer ID GAL-LOT-02, Sublot 02, Test code E38, Tester type A530, HAND_TYP
  electrogl.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import struct
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import UUTReport, write_wsjf
from pywats_client.converters import ConversionError, get_converter
from pywats_client.converters.stdf import StdfConverter

PARAMETERS = {"revision": "A", "operation_code": 10}
GOLDEN_PARTS = (0, 1, 2, 37, 465)


@pytest.fixture(scope="module")
def lot2(samples: Path, goldens: Any) -> list[UUTReport]:
    return StdfConverter(PARAMETERS).convert(goldens.source(samples / "stdf" / "lot2.stdf.gz"))


def _summary(reports: list[UUTReport]) -> dict[str, Any]:
    digest = hashlib.sha256()
    steps: collections.Counter[str] = collections.Counter()
    operators: collections.Counter[str] = collections.Counter()
    for report in reports:
        digest.update(write_wsjf(report).encode() + b"\n")
        for step in report.steps()[1:]:
            steps[f"{step.step_type} {step.status}"] += 1
            for meas in step.raw.get("numericMeas", []):
                operators[meas["compOp"]] += 1
    return {
        "reports": len(reports),
        "results": dict(sorted(collections.Counter(r.result for r in reports).items())),
        "serials": [reports[0].serial_number, reports[-1].serial_number],
        "parts_with_steps": sum(1 for r in reports if r.root.steps),
        "steps": dict(sorted(steps.items())),
        "operators": dict(sorted(operators.items())),
        "sha256": digest.hexdigest(),
    }


def test_lot2_matches_its_goldens(lot2: list[UUTReport], goldens: Any) -> None:
    goldens.check_json("stdf/lot2-summary", _summary(lot2))
    goldens.check("stdf/lot2-parts", [lot2[i] for i in GOLDEN_PARTS])


def test_every_lot2_report_validates(lot2: list[UUTReport]) -> None:
    for report in lot2:
        report.validate()


@pytest.mark.anyio
async def test_lot2_parts_round_trip_through_the_local_server(
    lot2: list[UUTReport], goldens: Any, wats_api: httpx.AsyncClient
) -> None:
    for index in GOLDEN_PARTS:
        await goldens.round_trip(wats_api, lot2[index])


def test_missing_revision_names_the_parameter(samples: Path, goldens: Any) -> None:
    source = goldens.source(samples / "stdf" / "lot2.stdf.gz")
    with pytest.raises(ConversionError, match=r"lot2.stdf.gz: MIR: .*'revision' is not set"):
        StdfConverter({"operation_code": 10}).convert(source)


def _mir(w: Any, lot: str = "LOT-9") -> bytes:
    fields = [("U4", 1_700_000_000), ("U4", 1_700_000_100), ("U1", 1), ("C1", "P"), ("C1", " "),
              ("C1", " "), ("U2", 65535), ("C1", " ")]  # fmt: skip
    texts = [lot, "DEV-1", "tester-7", "T93K", "prog", "3", "", "alice"]
    return w.record(1, 10, fields + [("Cn", t) for t in texts])


def _ptr(w: Any, num: int, site: int, result: float, *, flags: int = 0, parm: int = 0,
         text: str = "", defaults: bool = True, opt: int = 0x0E) -> bytes:  # fmt: skip
    fields = [("U4", num), ("U1", 1), ("U1", site), ("U1", flags), ("U1", parm), ("R4", result),
              ("Cn", text), ("Cn", "")]  # fmt: skip
    if defaults:
        fields += [("U1", opt), ("I1", 0), ("I1", 0), ("I1", 0), ("R4", 1.0), ("R4", 2.0),
                   ("Cn", "V")]  # fmt: skip
    return w.record(15, 10, fields)


def _prr(w: Any, site: int, part_id: str, *, flags: int = 0, hard: int = 1) -> bytes:
    fields = [("U1", 1), ("U1", site), ("U1", flags), ("U2", 2), ("U2", hard), ("U2", hard),
              ("I2", 3), ("I2", -4), ("U4", 250), ("Cn", part_id)]  # fmt: skip
    return w.record(5, 20, fields)  # type: ignore[no-any-return]


def _convert(goldens: Any, data: bytes, **values: Any) -> list[UUTReport]:
    return StdfConverter({**PARAMETERS, **values}).convert(goldens.source(Path("lot.stdf"), data))


def test_parts_on_two_sites_interleave_and_take_the_defaults_of_the_first_ptr(
    stdf: Any, goldens: Any
) -> None:
    data = (
        stdf.far() + _mir(stdf)
        + stdf.record(5, 10, [("U1", 1), ("U1", 0)]) + stdf.record(5, 10, [("U1", 1), ("U1", 1)])
        + _ptr(stdf, 10, 0, 1.5, text="vdd")
        + _ptr(stdf, 10, 1, 2.5, flags=0x80, defaults=False)  # limits, units, text from above
        + _prr(stdf, 1, "B", flags=0x08) + _prr(stdf, 0, "A")  # B failed its PTR
        + stdf.record(1, 40, [("U1", 255), ("U1", 0), ("U2", 1), ("U4", 2), ("C1", "P"),
                              ("Cn", "GOOD")])
    )  # fmt: skip
    first, second = _convert(goldens, data)
    assert (first.serial_number, second.serial_number) == ("B", "A")  # in PRR order
    [failed] = first.root.steps
    [passed] = second.root.steps
    assert failed.name == passed.name == "10 vdd"
    assert failed.raw["numericMeas"] == [
        {"compOp": "GELE", "name": None, "status": "F", "unit": "V", "value": 2.5,
         "highLimit": 2.0, "lowLimit": 1.0}
    ]  # fmt: skip
    assert (failed.status, passed.status) == ("F", "P")
    assert first.uut is not None
    assert (first.uut.test_socket_index, first.uut.exec_time, first.uut.batch_sn) == (
        1,
        0.25,
        "LOT-9",
    )
    assert first.start == "2023-11-14T22:15:00.0000000+00:00"
    misc = {m.description: (m.text, m.numeric) for m in first.misc_infos}
    assert misc["Hard bin"] == ("GOOD", 1)
    assert (misc["X"], misc["Y"]) == ((None, 3), (None, -4))


def test_multi_pin_functional_sections_and_datalog(stdf: Any, goldens: Any) -> None:
    pins = b"".join(
        stdf.record(1, 60, [("U2", i), ("U2", 0), ("Cn", f"ch{i}"), ("Cn", ""), ("Cn", name)])
        for i, name in ((1, "VDD"), (2, "VSS"))
    )
    mpr = stdf.record(15, 15, [
        ("U4", 20), ("U1", 1), ("U1", 0), ("U1", 0x80), ("U1", 0), ("U2", 2), ("U2", 2),
        ("xN1", [0, 6]), ("xR4", [0.5, 3.0]), ("Cn", "leak"), ("Cn", ""), ("U1", 0x0E),
        ("I1", 0), ("I1", 0), ("I1", 0), ("R4", 0.0), ("R4", 1.0), ("R4", 0.0), ("R4", 0.0),
        ("xU2", [1, 2]), ("Cn", "uA"),
    ])  # fmt: skip
    ftr = stdf.record(15, 20, [
        ("U4", 30), ("U1", 1), ("U1", 0), ("U1", 0x80), ("U1", 0xFF), ("U4", 0), ("U4", 0),
        ("U4", 0), ("U4", 1), ("I4", 0), ("I4", 0), ("I2", 0), ("U2", 0), ("U2", 0),
        ("Dn", (3, b"\x04")), ("Cn", "march"), ("Cn", ""), ("Cn", ""), ("Cn", "memory"),
    ])  # fmt: skip
    data = (
        stdf.far() + _mir(stdf) + pins + stdf.record(5, 10, [("U1", 1), ("U1", 0)])
        + stdf.record(20, 10, [("Cn", "dc")]) + mpr + stdf.record(20, 20, [])
        + ftr + stdf.record(50, 30, [("Cn", "retest later")]) + _prr(stdf, 0, "", flags=8)
        + stdf.record(2, 10, [("U1", 1), ("U1", 255), ("U4", 0), ("Cn", "W1")])
    )  # fmt: skip
    [report] = _convert(goldens, data)
    section, functional, datalog = report.root.steps
    assert (section.name, section.step_type) == ("dc", "SequenceCall")
    [multi] = section.steps
    assert multi.name == "20 leak"
    assert [(m["name"], m["status"], m["value"]) for m in multi.raw["numericMeas"]] == [
        ("VDD", "P", 0.5),
        ("VSS", "F", 3.0),
    ]
    assert (functional.name, functional.status) == ("30 memory", "F")
    assert functional.report_text == "vector march; 1 failing pins; failed: VSS"
    assert (datalog.name, datalog.report_text) == ("Datalog", "retest later")
    assert report.serial_number == "LOT-9-WAFER-X3Y-4"  # no PART_ID; the WIR comes after
    assert report.result == "F"


def test_limit_compare_flags_are_honoured_when_the_file_uses_them(stdf: Any, goldens: Any) -> None:
    part = stdf.record(5, 10, [("U1", 1), ("U1", 0)])
    data = (
        stdf.far() + _mir(stdf) + part + _ptr(stdf, 1, 0, 1.5, parm=0x40)
        + _ptr(stdf, 2, 0, 1.5, opt=0x4E) + _prr(stdf, 0, "P1")
    )  # fmt: skip
    [report] = _convert(goldens, data)
    ops = [s.raw["numericMeas"][0]["compOp"] for s in report.root.steps]
    assert ops == ["GELT", "LT"]
    [report] = _convert(goldens, data, limit_flags="ignore", serial_prefix="lot")
    assert [s.raw["numericMeas"][0]["compOp"] for s in report.root.steps] == ["GELE", "LE"]
    assert report.serial_number == "LOT-9-P1"


def test_invalid_result_is_logged_as_nan_and_not_executed_as_skipped(
    stdf: Any, goldens: Any
) -> None:
    data = (
        stdf.far() + _mir(stdf) + stdf.record(5, 10, [("U1", 1), ("U1", 0)])
        + _ptr(stdf, 1, 0, 0.0, flags=0x02) + _ptr(stdf, 2, 0, 0.0, flags=0x10)
        + _prr(stdf, 0, "P1")
    )  # fmt: skip
    [report] = _convert(goldens, data, scale_results=True)
    invalid, skipped = report.root.steps
    assert invalid.raw["numericMeas"][0]["value"] == "NaN"
    assert (skipped.status, "numericMeas" in skipped.raw) == ("S", False)


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b"", r"lot.stdf: end of data: the data ends while the part on head 1 site 0 is open"),
        (b"PRR-TWICE", r"record 5 \(PRR\) at byte \d+: PRR for head 1 site 0 without a PIR"),
    ],
)
def test_unbalanced_parts_are_errors(stdf: Any, goldens: Any, tail: bytes, message: str) -> None:
    data = stdf.far() + _mir(stdf) + stdf.record(5, 10, [("U1", 1), ("U1", 0)])
    if tail:
        data += _prr(stdf, 0, "A") + _prr(stdf, 0, "A")
    with pytest.raises(ConversionError, match=message):
        _convert(goldens, data)


def test_results_outside_a_part_are_errors(stdf: Any, goldens: Any) -> None:
    data = stdf.far() + _mir(stdf) + _ptr(stdf, 7, 0, 1.0)
    with pytest.raises(
        ConversionError, match=r"record 3 \(PTR\) at byte \d+: test 7 .*no open PIR"
    ):
        _convert(goldens, data)


def _lot2_slice(samples: Path, parts: int) -> bytes:
    """lot2's header records, its first `parts` parts and its trailing summary records (with
    the first 3 of its 179 TSRs)."""
    data = gzip.decompress((samples / "stdf" / "lot2.stdf.gz").read_bytes())
    kept, offset, done, in_tail, synopses = [], 0, 0, False, 0
    while offset < len(data):
        (length,) = struct.unpack_from(">H", data, offset)
        record = data[offset : offset + 4 + length]
        kind = record[2:4]
        offset += len(record)
        in_tail = in_tail or kind == b"\x02\x14"  # WRR: the summaries follow
        synopses += kind == b"\x0a\x1e"
        if (done < parts or in_tail) and not (kind == b"\x0a\x1e" and synopses > 3):
            kept.append(record)
        done += kind == b"\x05\x14"  # PRR
    return b"".join(kept)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("cases", "seed"), [(2000, 1), pytest.param(20000, 2, marks=pytest.mark.slow)]
)
def test_mutated_records_convert_or_fail_with_a_located_error(
    samples: Path, fuzz: Any, mutator: Any, cases: int, seed: int
) -> None:
    original = _lot2_slice(samples, parts=2)
    compressed = gzip.compress(original, mtime=0)
    mutate = mutator(seed)
    converter = StdfConverter(PARAMETERS)
    # Every tenth case mutates the gzip stream instead of the records.
    inputs = [mutate.bytes(compressed if case % 10 == 9 else original) for case in range(cases)]
    # The run proves only as much as its inputs differ: nearly all must be distinct mutations.
    assert len(set(inputs) - {original, compressed}) > cases * 0.9
    outcomes = fuzz(converter.convert, Path("mutated.stdf")).run(inputs)
    assert outcomes["converted"] > 0
    assert outcomes["ConversionError"] > 0


def test_registered_under_its_type_name() -> None:
    assert get_converter("stdf") is StdfConverter
