"""The streaming STDF V4 reader: the real lot2 sample, both byte orders, and malformed data."""

from __future__ import annotations

import bz2
import collections
import gzip
import io
import math
from pathlib import Path
from typing import Any

import pytest

from pywats_client.converters._stdf_records import StdfError, read_records, scan_records
from pywats_client.converters._stdf_types import Bin, Ftr, Gdr, Mir, Mpr, Prr, Ptr

FAR = b"\x00\x02\x00\x0a\x01\x04"  # big-endian FAR, CPU_TYPE 1, STDF V4


def _records(data: bytes) -> list[Any]:
    return list(read_records(io.BytesIO(data)))


def test_lot2_record_counts_match_the_spec(samples: Path) -> None:
    with (samples / "stdf" / "lot2.stdf.gz").open("rb") as f:
        counts = collections.Counter(raw.name for raw in scan_records(f))
    assert counts == {
        "PTR": 52403, "PIR": 1569, "PRR": 1569, "GDR": 785, "BPS": 784, "EPS": 703, "TSR": 179,
        "HBR": 10, "SBR": 10, "FAR": 1, "MIR": 1, "SDR": 1, "WCR": 1, "WIR": 1, "WRR": 1,
        "PCR": 1, "MRR": 1,
    }  # fmt: skip


def test_lot2_fields_decode_with_absent_trailing_fields_as_none(samples: Path) -> None:
    with (samples / "stdf" / "lot2.stdf.gz").open("rb") as f:
        records = iter(read_records(f))
        far, mir = next(records), next(records)
        first_ptr = next(r for r in records if isinstance(r, Ptr))
    assert (far.cpu_type, far.stdf_ver) == (1, 4)
    assert isinstance(mir, Mir)
    assert (mir.lot_id, mir.part_typ, mir.node_nam, mir.job_nam, mir.test_cod) == (
        "GAL-LOT", "GOLD8BAR", "galaxy-t", "mobile-05", "E38",
    )  # fmt: skip
    assert mir.start_t == 991774222
    assert (mir.tst_temp, mir.serl_num) == (None, None)  # MIR stops after TEST_COD
    assert first_ptr.test_num == 1000
    assert math.isclose(first_ptr.result or 0, -0.6616, abs_tol=1e-4)
    assert (first_ptr.units, first_ptr.c_resfmt) == ("v", "%5.2f v")
    assert (first_ptr.lo_spec, first_ptr.hi_spec) == (None, None)


def test_both_byte_orders_decode_the_same_values(stdf: Any) -> None:
    data = stdf.far() + stdf.record(
        15, 10,
        [("U4", 70000), ("U1", 1), ("U1", 2), ("U1", 0x80), ("U1", 0xC0), ("R4", 1.5),
         ("Cn", "vdd"), ("Cn", ""), ("U1", 0x02), ("I1", -3), ("I1", 0), ("I1", 0),
         ("R4", -1.0), ("R4", 2.0), ("Cn", "V")],
    ) + stdf.record(
        5, 20,
        [("U1", 1), ("U1", 2), ("U1", 8), ("U2", 3), ("U2", 300), ("U2", 7), ("I2", -5),
         ("I2", 12), ("U4", 1234), ("Cn", "P-1")],
    )  # fmt: skip
    far, ptr, prr = _records(data)
    assert far.cpu_type == (1 if stdf.order == ">" else 2)
    assert ptr == Ptr(
        70000, 1, 2, 0x80, 0xC0, 1.5, "vdd", "", 0x02, -3, 0, 0, -1.0, 2.0, "V",
        None, None, None, None, None,
    )  # fmt: skip
    assert prr == Prr(1, 2, 8, 3, 300, 7, -5, 12, 1234, "P-1", None)


def test_arrays_nibbles_and_bit_fields(stdf: Any) -> None:
    mpr_record = stdf.record(
        15, 15,
        [("U4", 5), ("U1", 1), ("U1", 0), ("U1", 0), ("U1", 0), ("U2", 3), ("U2", 3),
         ("xN1", [1, 5, 10]), ("xR4", [0.5, 1.0, 2.0]), ("Cn", "leak"), ("Cn", ""),
         ("U1", 0), ("I1", 0), ("I1", 0), ("I1", 0), ("R4", 0.0), ("R4", 1.5),
         ("R4", 0.0), ("R4", 0.0), ("xU2", [7, 8, 9]), ("Cn", "A")],
    )  # fmt: skip
    ftr_record = stdf.record(
        15, 20,
        [("U4", 9), ("U1", 1), ("U1", 0), ("U1", 0x80), ("U1", 0xFF), ("U4", 0), ("U4", 0),
         ("U4", 0), ("U4", 2), ("I4", 0), ("I4", 0), ("I2", 0), ("U2", 2), ("U2", 1),
         ("xU2", [1, 2]), ("xN1", [5, 6]), ("xU2", [1]), ("xN1", [3]),
         ("Dn", (10, b"\x06\x00")), ("Cn", "pat1")],
    )  # fmt: skip
    _, mpr, ftr = _records(stdf.far() + mpr_record + ftr_record)
    assert isinstance(mpr, Mpr)
    assert isinstance(ftr, Ftr)
    assert mpr.rtn_stat == (1, 5, 10)
    assert mpr.rtn_rslt == (0.5, 1.0, 2.0)
    assert (mpr.rtn_indx, mpr.units) == ((7, 8, 9), "A")
    assert (ftr.rtn_indx, ftr.rtn_stat) == ((1, 2), (5, 6))
    assert (ftr.fail_pin, ftr.vect_nam, ftr.test_txt) == (b"\x06\x00", "pat1", None)


def test_generic_data_with_fewer_fields_than_declared_names_the_field(stdf: Any) -> None:
    gdr = stdf.record(50, 10, [("U2", 3), ("Vn", [("Cn", "IMAGE_PART_ID"), ("I4", -2)])])
    with pytest.raises(StdfError, match=r"record 2 \(GDR\) at byte 6: .*GEN_DATA\[2\]"):
        _records(stdf.far() + gdr)


def test_generic_data_and_bins(stdf: Any) -> None:
    data = (
        stdf.far()
        + stdf.record(50, 10, [("U2", 2), ("Vn", [("Cn", "IMAGE_PART_ID"), ("I4", -2)])])
        + stdf.record(1, 50, [("U1", 255), ("U1", 0), ("U2", 5), ("U4", 20), ("C1", "F")])
    )
    _, gdr, sbr = _records(data)
    assert gdr == Gdr(("IMAGE_PART_ID", -2))
    assert sbr == Bin(False, 255, 0, 5, 20, "F", None)


def test_unknown_record_types_are_skipped(stdf: Any) -> None:
    data = (
        stdf.far()
        + stdf.record(1, 90, [("Cn", "v4-2007 PSR")])
        + stdf.record(5, 10, [("U1", 1), ("U1", 0)])
    )
    assert [type(r).__name__ for r in _records(data)] == ["Far", "Pir"]


@pytest.mark.parametrize(
    ("compress", "name"), [(gzip.compress, "gzip"), (bz2.compress, "bzip2"), (bytes, "plain")]
)
def test_compressed_streams_are_detected_by_magic(stdf: Any, compress: Any, name: str) -> None:
    data = stdf.far() + stdf.record(5, 10, [("U1", 1), ("U1", 3)])
    assert [type(r).__name__ for r in _records(compress(data))] == ["Far", "Pir"], name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"record 1 \(FAR\) at byte 0: not an STDF file"),
        (b"\x00\x02\x00\x0a\x01\x03", r"STDF_VER is 3"),
        (b"\x00\x02\x00\x0a\x00\x04", r"CPU_TYPE 0 .*VAX"),
        (b"\x00\x02\x00\x0a\x02\x04", r"CPU_TYPE 2 contradicts"),
        (b"\x00\x03\x00\x0a\x01\x04", r"FAR must have REC_LEN 2"),
        (FAR + b"\x00\x05\x05\x0a\x01", r"record 2 \(PIR\) at byte 6: REC_LEN is 5"),
        (FAR + b"\x00", r"record 2 at byte 6: the data ends inside a header"),
        (FAR + b"\x00\x01\x05\x0a\x01", r"PIR\) at byte 6: the record ends before .* SITE_NUM"),
        (FAR + b"\x00\x03\x01\x3c\x00\x01\x05", r"PMR\) at byte 6: field CHAN_TYP runs past"),
    ],
)  # fmt: skip
def test_malformed_data_names_the_record_and_offset(data: bytes, message: str) -> None:
    with pytest.raises(StdfError, match=message):
        _records(data)


def test_truncated_gzip_is_an_stdf_error(samples: Path) -> None:
    data = (samples / "stdf" / "lot2.stdf.gz").read_bytes()
    with pytest.raises(StdfError, match=r"record \d+ .*compressed data is corrupt or truncated"):
        _records(data[: len(data) // 2])


def test_string_running_past_its_record_is_an_error(stdf: Any) -> None:
    body_cut = stdf.record(50, 30, [("Cn", "hello")])[:-2]
    length = len(body_cut) - 4
    header = length.to_bytes(2, "big" if stdf.order == ">" else "little") + body_cut[2:4]
    with pytest.raises(StdfError, match=r"record 2 \(DTR\) at byte 6: field TEXT_DAT runs past"):
        _records(stdf.far() + header + body_cut[4:])
