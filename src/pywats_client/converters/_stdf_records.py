"""A streaming reader for STDF V4: one record in memory at a time, whatever the file size.

Why our own reader: the Python STDF libraries we know of load whole files (or pandas tables)
into memory, are untyped, or read fields past a record's end as 0/"". The PTR/MPR defaults rule
(the WATS format spec, formats.md §3.5) needs "absent" (None) kept apart from 0, a converter needs
errors naming the record ordinal and byte offset, and we decode only the record types we map.
The format is small (fixed binary layouts, §3.4), so a typed reader of our own is shorter than
adapting one.

`read_records(stream)` takes a binary stream, plain, gzip or bzip2 (detected from the magic
bytes), fixes the byte order from the FAR record and yields typed records (`_stdf_types`) in file
order. Types it does not decode are skipped by their length. Malformed data raises `StdfError`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from pywats_client.converters._stdf_types import (
    Bin,
    Bps,
    Dtr,
    Eps,
    Far,
    Ftr,
    Gdr,
    Mir,
    Mpr,
    Mrr,
    Pir,
    Pmr,
    Prr,
    Ptr,
    Record,
    Sdr,
    Tsr,
    Wir,
    Wrr,
)

__all__ = ["RawRecord", "StdfError", "open_stdf", "read_records", "scan_records"]


class StdfError(ValueError):
    """The data is not valid STDF V4; `where` names the record (ordinal, type, byte offset)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


def open_stdf(stream: BinaryIO) -> BinaryIO:
    """Return a stream of the decompressed STDF bytes (gzip and bzip2 detected by magic)."""
    buffered = (
        stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(cast(Any, stream))
    )
    magic = buffered.peek(3)[:3]
    if magic.startswith(b"\x1f\x8b"):
        return cast(BinaryIO, gzip.GzipFile(fileobj=buffered, mode="rb"))
    if magic == b"BZh":
        return cast(BinaryIO, bz2.BZ2File(buffered, mode="rb"))
    return cast(BinaryIO, buffered)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record before decoding: its type name (`PTR`, or `(typ,sub)` when unknown), body bytes
    and `where` (ordinal, name, byte offset) for error messages."""

    name: str
    body: bytes
    where: str
    order: str

    def decode(self) -> Record | None:
        """The typed record, or None for a type this reader does not decode."""
        decoder = _DECODERS_BY_NAME.get(self.name)
        return None if decoder is None else decoder(_Cursor(self.body, self.order, self.where))


def read_records(stream: BinaryIO) -> Iterator[Record]:
    """Yield the decoded records of an STDF V4 stream in file order (unknown types skipped).

    Raises `StdfError` for a missing or bad FAR, a record cut short by the end of the data, a
    field running past its record, or corrupt compressed data.
    """
    for raw in scan_records(stream):
        record = raw.decode()
        if record is not None:
            yield record


def scan_records(stream: BinaryIO) -> Iterator[RawRecord]:
    """Yield every record undecoded, FAR first; the FAR is checked here (see `read_records`)."""
    source = open_stdf(stream)
    where = "record 1 (FAR) at byte 0"
    header = _read_exact(source, 4, where)
    if len(header) < 4 or header[2:4] != b"\x00\x0a":
        raise StdfError(where, "not an STDF file: it must start with a FAR record (0,10)")
    if header[:2] == b"\x00\x02":
        order = ">"
    elif header[:2] == b"\x02\x00":
        order = "<"
    else:
        raise StdfError(where, "FAR must have REC_LEN 2")
    body = _read_body(source, 2, where)
    _far(body, order)
    yield RawRecord("FAR", body, where, order)

    offset, ordinal = 6, 1
    length_of = struct.Struct(order + "H").unpack_from
    while True:
        ordinal += 1
        header = _read_exact(source, 4, f"record {ordinal} at byte {offset}")
        if not header:
            return
        if len(header) < 4:
            raise StdfError(f"record {ordinal} at byte {offset}", "the data ends inside a header")
        (length,) = length_of(header)
        key = (header[2], header[3])
        name = _NAMES.get(key) or f"({key[0]},{key[1]})"
        where = f"record {ordinal} ({name}) at byte {offset}"
        body = _read_body(source, length, where)
        offset += 4 + length
        yield RawRecord(name, body, where, order)


def _far(body: bytes, order: str) -> Far:
    cpu_type, version = body[0], body[1]
    where = "record 1 (FAR) at byte 0"
    if version != 4:
        raise StdfError(where, f"STDF_VER is {version}; only STDF V4 is supported")
    if cpu_type == 0:
        raise StdfError(where, "CPU_TYPE 0 (DEC VAX floating point) is not supported")
    if cpu_type in (1, 2) and (cpu_type == 1) != (order == ">"):
        raise StdfError(where, f"CPU_TYPE {cpu_type} contradicts the byte order of REC_LEN")
    return Far(cpu_type=cpu_type, stdf_ver=version)


def _read_exact(source: BinaryIO, size: int, where: str) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    try:
        while remaining:
            chunk = source.read(remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise StdfError(where, f"the compressed data is corrupt or truncated ({exc})") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _read_body(source: BinaryIO, length: int, where: str) -> bytes:
    body = _read_exact(source, length, where)
    if len(body) < length:
        raise StdfError(where, f"REC_LEN is {length} but the data ends after {len(body)} bytes")
    return body


_STRUCTS = {order: {code: struct.Struct(order + code) for code in "BHIbhifd"} for order in "<>"}


class _Cursor:
    """Reads typed fields from one record body; a field after the record's end reads as None."""

    __slots__ = ("data", "order", "pos", "size", "structs", "where")

    def __init__(self, data: bytes, order: str, where: str) -> None:
        self.data = data
        self.order = order
        self.pos = 0
        self.size = len(data)
        self.structs = _STRUCTS[order]
        self.where = where

    def fail(self, problem: str) -> StdfError:
        return StdfError(self.where, problem)

    def fixed(self, code: str, name: str) -> Any:
        st = self.structs[code]
        end = self.pos + st.size
        if end > self.size:
            if self.pos >= self.size:
                return None
            raise self.fail(f"field {name} runs past the end of the record")
        (value,) = st.unpack_from(self.data, self.pos)
        self.pos = end
        return value

    def need(self, code: str, name: str) -> Any:
        value = self.fixed(code, name)
        if value is None:
            raise self.fail(f"the record ends before the required field {name}")
        return value

    def c1(self) -> str | None:
        if self.pos >= self.size:
            return None
        self.pos += 1
        return chr(self.data[self.pos - 1])

    def take(self, count: int, name: str) -> bytes:
        end = self.pos + count
        if end > self.size:
            raise self.fail(f"field {name} runs past the end of the record")
        value = self.data[self.pos : end]
        self.pos = end
        return value

    def cn(self, name: str) -> str | None:
        if self.pos >= self.size:
            return None
        count = self.data[self.pos]
        self.pos += 1
        return self.take(count, name).decode("latin-1")

    def bn(self, name: str) -> bytes | None:
        if self.pos >= self.size:
            return None
        count = self.data[self.pos]
        self.pos += 1
        return self.take(count, name)

    def dn(self, name: str) -> bytes | None:
        bits = self.fixed("H", name)
        return None if bits is None else self.take((bits + 7) // 8, name)

    def array(self, code: str, count: int | None, name: str) -> tuple[Any, ...] | None:
        """`count` elements of fixed-size type `code`; None when the count or data is absent."""
        if count is None or self.pos >= self.size:
            return None
        st = struct.Struct(f"{self.order}{count}{code}")
        return st.unpack_from(self.take(st.size, name))

    def nibbles(self, count: int | None, name: str) -> tuple[int, ...] | None:
        """`count` N*1 values packed two per byte, the first in the low nibble."""
        if count is None or self.pos >= self.size:
            return None
        packed = self.take((count + 1) // 2, name)
        return tuple((packed[i >> 1] >> ((i & 1) << 2)) & 0x0F for i in range(count))

    def generic(self, name: str) -> int | float | str | bytes | None:
        """One V*n field of a GDR; None for a pad field."""
        code = self.fixed("B", name)
        if code is None:
            raise self.fail(f"the record ends before field {name}")
        if code == 0:
            return None
        if code in _GENERIC_FIXED:
            return self.need(_GENERIC_FIXED[code], name)  # type: ignore[no-any-return]
        if code == 10:
            return self.cn(name)
        if code == 11:
            return self.bn(name)
        if code == 12:
            return self.dn(name)
        if code == 13:
            return self.need("B", name) & 0x0F  # type: ignore[no-any-return]
        raise self.fail(f"field {name} has unknown data type code {code}")


_GENERIC_FIXED = {1: "B", 2: "H", 3: "I", 4: "b", 5: "h", 6: "i", 7: "f", 8: "d"}


def _mir(c: _Cursor) -> Mir:
    values: list[Any] = [c.fixed("I", "SETUP_T"), c.fixed("I", "START_T"), c.fixed("B", "STAT_NUM")]
    values += [c.c1(), c.c1(), c.c1(), c.fixed("H", "BURN_TIM"), c.c1()]
    values += [c.cn(name) for name in _MIR_TEXTS]
    return Mir(*values)


_MIR_TEXTS = (
    *("LOT_ID", "PART_TYP", "NODE_NAM", "TSTR_TYP", "JOB_NAM", "JOB_REV", "SBLOT_ID"),
    *("OPER_NAM", "EXEC_TYP", "EXEC_VER", "TEST_COD", "TST_TEMP", "USER_TXT", "AUX_FILE"),
    *("PKG_TYP", "FAMLY_ID", "DATE_COD", "FACIL_ID", "FLOOR_ID", "PROC_ID", "OPER_FRQ"),
    *("SPEC_NAM", "SPEC_VER", "FLOW_ID", "SETUP_ID", "DSGN_REV", "ENG_ID", "ROM_COD"),
    *("SERL_NUM", "SUPR_NAM"),
)


def _mrr(c: _Cursor) -> Mrr:
    return Mrr(c.fixed("I", "FINISH_T"), c.c1(), c.cn("USR_DESC"), c.cn("EXC_DESC"))


def _bin(hard: bool) -> Callable[[_Cursor], Bin]:
    def decode(c: _Cursor) -> Bin:
        head, site = c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM")
        number = c.need("H", "BIN_NUM")
        return Bin(hard, head, site, number, c.fixed("I", "BIN_CNT"), c.c1(), c.cn("BIN_NAM"))

    return decode


def _pmr(c: _Cursor) -> Pmr:
    index, chan_typ = c.need("H", "PMR_INDX"), c.fixed("H", "CHAN_TYP")
    names = c.cn("CHAN_NAM"), c.cn("PHY_NAM"), c.cn("LOG_NAM")
    return Pmr(index, chan_typ, *names, c.fixed("B", "HEAD_NUM"), c.fixed("B", "SITE_NUM"))


_SDR_EQUIPMENT = tuple(
    f"{kind}_{part}"
    for kind in ("HAND", "CARD", "LOAD", "DIB", "CABL", "CONT", "LASR", "EXTR")
    for part in ("TYP", "ID")
)


def _sdr(c: _Cursor) -> Sdr:
    head, group = c.need("B", "HEAD_NUM"), c.fixed("B", "SITE_GRP")
    sites = c.array("B", c.fixed("B", "SITE_CNT"), "SITE_NUM")
    return Sdr(head, group, sites, tuple((name, c.cn(name)) for name in _SDR_EQUIPMENT))


def _wir(c: _Cursor) -> Wir:
    head, group = c.need("B", "HEAD_NUM"), c.fixed("B", "SITE_GRP")
    return Wir(head, group, c.fixed("I", "START_T"), c.cn("WAFER_ID"))


def _wrr(c: _Cursor) -> Wrr:
    head, group = c.need("B", "HEAD_NUM"), c.fixed("B", "SITE_GRP")
    finish, parts = c.fixed("I", "FINISH_T"), c.fixed("I", "PART_CNT")
    for name in ("RTST_CNT", "ABRT_CNT", "GOOD_CNT", "FUNC_CNT"):
        c.fixed("I", name)
    return Wrr(head, group, finish, parts, c.cn("WAFER_ID"))


def _pir(c: _Cursor) -> Pir:
    return Pir(c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM"))


def _prr(c: _Cursor) -> Prr:
    head, site = c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM")
    flags, count = c.fixed("B", "PART_FLG"), c.fixed("H", "NUM_TEST")
    bins = c.fixed("H", "HARD_BIN"), c.fixed("H", "SOFT_BIN")
    coords = c.fixed("h", "X_COORD"), c.fixed("h", "Y_COORD")
    return Prr(head, site, flags, count, *bins, *coords, c.fixed("I", "TEST_T"),
               c.cn("PART_ID"), c.cn("PART_TXT"))  # fmt: skip


def _tsr(c: _Cursor) -> Tsr:
    head, site, kind = c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM"), c.c1()
    number = c.need("I", "TEST_NUM")
    counts = c.fixed("I", "EXEC_CNT"), c.fixed("I", "FAIL_CNT")
    c.fixed("I", "ALRM_CNT")
    return Tsr(head, site, kind, number, *counts, c.cn("TEST_NAM"), c.cn("SEQ_NAME"))


_PTR_HEAD = {order: struct.Struct(order + "IBBBBf") for order in "<>"}
_PTR_LIMITS = {order: struct.Struct(order + "Bbbbff") for order in "<>"}


def _ptr(c: _Cursor) -> Ptr:
    # PTR is most of a file: its fixed-size runs are read with one unpack each when complete.
    head = _PTR_HEAD[c.order]
    if c.size >= head.size:
        values: list[Any] = list(head.unpack_from(c.data))
        c.pos = head.size
    else:
        values = [c.need("I", "TEST_NUM"), c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM")]
        values += [c.need("B", "TEST_FLG"), c.fixed("B", "PARM_FLG"), c.fixed("f", "RESULT")]
    values += [c.cn("TEST_TXT"), c.cn("ALARM_ID")]
    limits = _PTR_LIMITS[c.order]
    if c.pos + limits.size <= c.size:
        values += limits.unpack_from(c.data, c.pos)
        c.pos += limits.size
    else:
        values += [c.fixed("B", "OPT_FLAG"), c.fixed("b", "RES_SCAL"), c.fixed("b", "LLM_SCAL")]
        values += [c.fixed("b", "HLM_SCAL"), c.fixed("f", "LO_LIMIT"), c.fixed("f", "HI_LIMIT")]
    values += [c.cn("UNITS"), c.cn("C_RESFMT"), c.cn("C_LLMFMT"), c.cn("C_HLMFMT")]
    values += [c.fixed("f", "LO_SPEC"), c.fixed("f", "HI_SPEC")]
    return Ptr(*values)


def _mpr(c: _Cursor) -> Mpr:
    key = c.need("I", "TEST_NUM"), c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM")
    flags = c.need("B", "TEST_FLG"), c.fixed("B", "PARM_FLG")
    pins, results = c.fixed("H", "RTN_ICNT"), c.fixed("H", "RSLT_CNT")
    states = c.nibbles(pins, "RTN_STAT")
    values = c.array("f", results, "RTN_RSLT")
    texts = c.cn("TEST_TXT"), c.cn("ALARM_ID")
    opt = c.fixed("B", "OPT_FLAG")
    scales = c.fixed("b", "RES_SCAL"), c.fixed("b", "LLM_SCAL"), c.fixed("b", "HLM_SCAL")
    limits = c.fixed("f", "LO_LIMIT"), c.fixed("f", "HI_LIMIT")
    sweep = c.fixed("f", "START_IN"), c.fixed("f", "INCR_IN")
    indexes = c.array("H", pins, "RTN_INDX")
    return Mpr(*key, *flags, states, values, *texts, opt, *scales, *limits, *sweep, indexes,
               c.cn("UNITS"))  # fmt: skip


def _ftr(c: _Cursor) -> Ftr:
    values: list[Any] = [c.need("I", "TEST_NUM"), c.need("B", "HEAD_NUM"), c.need("B", "SITE_NUM")]
    values += [c.need("B", "TEST_FLG"), c.fixed("B", "OPT_FLAG")]
    values += [c.fixed("I", name) for name in ("CYCL_CNT", "REL_VADR", "REPT_CNT", "NUM_FAIL")]
    values += [c.fixed("i", "XFAIL_AD"), c.fixed("i", "YFAIL_AD"), c.fixed("h", "VECT_OFF")]
    pins, programmed = c.fixed("H", "RTN_ICNT"), c.fixed("H", "PGM_ICNT")
    values += [c.array("H", pins, "RTN_INDX"), c.nibbles(pins, "RTN_STAT")]
    c.array("H", programmed, "PGM_INDX")
    c.nibbles(programmed, "PGM_STAT")
    values.append(c.dn("FAIL_PIN"))
    names = ("VECT_NAM", "TIME_SET", "OP_CODE", "TEST_TXT", "ALARM_ID", "PROG_TXT", "RSLT_TXT")
    values += [c.cn(name) for name in names]
    return Ftr(*values)


def _gdr(c: _Cursor) -> Gdr:
    count = c.need("H", "FLD_CNT")
    values = (c.generic(f"GEN_DATA[{i}]") for i in range(count))
    return Gdr(tuple(v for v in values if v is not None))


_DECODERS: dict[tuple[int, int], tuple[str, Callable[[_Cursor], Record]]] = {
    (0, 10): ("FAR", lambda c: Far(c.need("B", "CPU_TYPE"), c.need("B", "STDF_VER"))),
    (1, 10): ("MIR", _mir),
    (1, 20): ("MRR", _mrr),
    (1, 40): ("HBR", _bin(hard=True)),
    (1, 50): ("SBR", _bin(hard=False)),
    (1, 60): ("PMR", _pmr),
    (1, 80): ("SDR", _sdr),
    (2, 10): ("WIR", _wir),
    (2, 20): ("WRR", _wrr),
    (5, 10): ("PIR", _pir),
    (5, 20): ("PRR", _prr),
    (10, 30): ("TSR", _tsr),
    (15, 10): ("PTR", _ptr),
    (15, 15): ("MPR", _mpr),
    (15, 20): ("FTR", _ftr),
    (20, 10): ("BPS", lambda c: Bps(c.cn("SEQ_NAME"))),
    (20, 20): ("EPS", lambda c: Eps()),
    (50, 10): ("GDR", _gdr),
    (50, 30): ("DTR", lambda c: Dtr(c.cn("TEXT_DAT"))),
}
# Types we skip undecoded still get their names in error messages.
_NAMES = {(0, 20): "ATR", (1, 30): "PCR", (1, 62): "PGR", (1, 63): "PLR", (1, 70): "RDR"}
_NAMES.update({(2, 30): "WCR"})
_NAMES.update({key: name for key, (name, _) in _DECODERS.items()})
_DECODERS_BY_NAME = {name: decoder for name, decoder in _DECODERS.values()}
