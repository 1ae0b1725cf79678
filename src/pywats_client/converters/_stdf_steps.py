"""One STDF part's records → the steps and header of its WATS report (formats.md §3.5–3.7).

`TestDefaults` applies the defaults rule: the first PTR/MPR of a test number carries the
limits, scales, units and text that later records may leave out or mark invalid. `PartSteps`
grows one report from PIR to PRR: PTR → numeric step, MPR → multi-numeric step, FTR →
pass/fail step, BPS/EPS → nested sequence, DTR → a "Datalog" step with the text.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from pywats.report import SequenceCall, UUTReport
from pywats_client.converters._stdf_lookup import Lookup
from pywats_client.converters._stdf_types import Bps, Dtr, Eps, Ftr, Mir, Mpr, Prr, Ptr

__all__ = ["PartSteps", "TestDefaults", "single"]

# Unit prefix for a scale exponent: displayed value = stored value × 10^scale.
_PREFIX = {15: "f", 12: "p", 9: "n", 6: "u", 3: "m", 2: "%", 0: "", -3: "k", -6: "M", -9: "G"}
_SINGLE = struct.Struct("<f")
_MAX_PIN_NAMES = 64


def single(value: float) -> float:
    """The shortest decimal that reads back as the same IEEE single (R*4) as `value`.

    STDF stores R*4; printing the widened double would show -0.8999999761581421 for -0.9.
    """
    if not math.isfinite(value):
        return value
    packed = _SINGLE.pack(value)
    for digits in range(6, 10):
        candidate = float(f"{value:.{digits}g}")
        if _SINGLE.pack(candidate) == packed:
            return candidate
    return value


def flag_status(test_flg: int) -> str:
    """Step status from TEST_FLG: not executed S, aborted T, alarm/timeout E, no verdict D,
    failed F, else P."""
    if test_flg & 0x10:
        return "S"
    if test_flg & 0x20:
        return "T"
    if test_flg & 0x09:
        return "E"
    if test_flg & 0x40:
        return "D"
    return "F" if test_flg & 0x80 else "P"


@dataclass(frozen=True)
class _Semi:
    """The semi-static fields of a test, from its first PTR or MPR."""

    opt_flag: int | None
    res_scal: int | None
    lo_limit: float | None
    hi_limit: float | None
    units: str | None
    text: str


@dataclass(frozen=True)
class Resolved:
    """A test record's name, WATS operator, limits and unit after the defaults rule."""

    name: str
    text: str
    comp: str
    low: float | None
    high: float | None
    unit: str | None
    factor: float


class TestDefaults:
    """Per-test defaults (one cache for PTR, one for MPR, keyed by TEST_NUM)."""

    __test__ = False  # not a pytest class

    def __init__(self, lookup: Lookup, *, strict_limits: bool, scale: bool) -> None:
        self.lookup = lookup
        self.strict_limits = strict_limits
        self.scale = scale
        self._cache: dict[tuple[str, int], _Semi] = {}
        self._texts: dict[int, str] = {}
        # Writers usually repeat the same semi-static fields in every record of a test.
        self._resolved: dict[tuple[object, ...], Resolved] = {}

    def remember(self, record: Ptr | Mpr) -> _Semi:
        key = (type(record).__name__, record.test_num)
        semi = self._cache.get(key)
        if semi is None:
            semi = _Semi(
                record.opt_flag,
                record.res_scal,
                record.lo_limit,
                record.hi_limit,
                record.units,
                (record.test_txt or "").rstrip(),
            )
            self._cache[key] = semi
        return semi

    def text(self, number: int, text: str | None) -> str:
        """A test's text: this record's, else the first one seen, else the TSR's TEST_NAM."""
        own = (text or "").rstrip()
        if own:
            self._texts.setdefault(number, own)
            return own
        return self._texts.get(number) or self.lookup.test_names.get(number, "")

    def resolve(self, record: Ptr | Mpr) -> Resolved:
        """The record's name, operator, limits and unit after the defaults rule (memoized on
        the fields that decide them)."""
        key = (
            *(type(record), record.test_num, record.test_txt, record.opt_flag, record.res_scal),
            *(record.lo_limit, record.hi_limit, record.units, (record.parm_flg or 0) & 0xC0),
        )
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(record)
        return found

    def _resolve(self, record: Ptr | Mpr) -> Resolved:
        semi = self.remember(record)
        own_opt = record.opt_flag
        opt = own_opt if own_opt is not None else semi.opt_flag
        invalid = own_opt or 0
        low = semi.lo_limit if record.lo_limit is None or invalid & 0x10 else record.lo_limit
        high = semi.hi_limit if record.hi_limit is None or invalid & 0x20 else record.hi_limit
        scale = semi.res_scal if record.res_scal is None or invalid & 0x01 else record.res_scal
        units = record.units if record.units is not None else semi.units
        has_low = opt is not None and not opt & 0x40 and low is not None
        has_high = opt is not None and not opt & 0x80 and high is not None
        parm = record.parm_flg or 0
        low_op = "GT" if self.strict_limits and not parm & 0x40 else "GE"
        high_op = "LT" if self.strict_limits and not parm & 0x80 else "LE"
        comp = (low_op if has_low else "") + (high_op if has_high else "") or "LOG"
        factor, unit = 1.0, units or None
        if self.scale and scale:
            factor = 10.0**scale
            unit = _PREFIX.get(scale, f"e{-scale} ") + (units or "")
        text = self.text(record.test_num, record.test_txt or semi.text)
        return Resolved(
            name=f"{record.test_num} {text}".rstrip(),
            text=text,
            comp=comp,
            low=single(low) * factor if has_low and low is not None else None,
            high=single(high) * factor if has_high and high is not None else None,
            unit=unit,
            factor=factor,
        )


class PartSteps:
    """The report of one part while its records arrive."""

    def __init__(self, report: UUTReport, tests: TestDefaults) -> None:
        self.report = report
        self.tests = tests
        self.stack: list[SequenceCall] = [report.root]

    def add(self, record: Ptr | Mpr | Ftr) -> None:
        """Append the step for one test record; ValueError for values WATS cannot hold."""
        if isinstance(record, Ptr):
            self._ptr(record)
        elif isinstance(record, Mpr):
            self._mpr(record)
        else:
            self._ftr(record)

    def _ptr(self, record: Ptr) -> None:
        test = self.tests.resolve(record)
        status = flag_status(record.test_flg)
        sequence = self.stack[-1]
        if status == "S":
            sequence.add_action(test.name, status="S").step_type = "ET_NLT"
            return
        valid = record.result is not None and not record.test_flg & 0x02
        value = (
            single(record.result) * test.factor if valid and record.result is not None else math.nan
        )
        failed = record.test_flg & 0x80 and not record.test_flg & 0x40
        step = sequence.add_numeric(
            test.name, value, low=test.low, high=test.high, comp=test.comp, unit=test.unit,
            status="F" if failed else "P",
        )  # fmt: skip
        step.status = status

    def _mpr(self, record: Mpr) -> None:
        test = self.tests.resolve(record)
        status = flag_status(record.test_flg)
        sequence = self.stack[-1]
        if status == "S":
            sequence.add_action(test.name, status="S").step_type = "ET_MNLT"
            return
        values = record.rtn_rslt or ()
        pins = record.rtn_indx or ()
        states = record.rtn_stat or ()
        if len(pins) == len(values) and values:
            names = [self.tests.lookup.pin_name(index) for index in pins]
        else:
            names = [f"{test.text or record.test_num}[{i}]" for i in range(len(values))]
        seen: set[str] = set()
        step = sequence.add_multi_numeric(test.name)
        for i, (name, value) in enumerate(zip(names, values, strict=False)):
            unique = name if name not in seen else f"{name}[{i}]"
            seen.add(unique)
            pin_failed = i < len(states) and 5 <= states[i] <= 8
            step.add_measurement(
                unique, single(value) * test.factor, low=test.low, high=test.high, comp=test.comp,
                unit=test.unit, status="F" if pin_failed else None,
            )  # fmt: skip
        step.status = status

    def _ftr(self, record: Ftr) -> None:
        text = self.tests.text(record.test_num, record.test_txt)
        name = f"{record.test_num} {text}".rstrip()
        step = self.stack[-1].add_pass_fail(name, not record.test_flg & 0x80)
        step.status = flag_status(record.test_flg)
        details = []
        if record.vect_nam:
            details.append(f"vector {record.vect_nam}")
        if record.num_fail is not None and record.num_fail != 0xFFFFFFFF:
            details.append(f"{record.num_fail} failing pins")
        failing = _set_bits(record.fail_pin or b"")
        if failing:
            names = [self.tests.lookup.pin_name(i) for i in failing[:_MAX_PIN_NAMES]]
            more = (
                f" and {len(failing) - _MAX_PIN_NAMES} more"
                if len(failing) > _MAX_PIN_NAMES
                else ""
            )
            details.append("failed: " + ", ".join(names) + more)
        if details:
            step.report_text = "; ".join(details)

    def section(self, record: Bps | Eps | Dtr) -> None:
        """Open (BPS) or close (EPS) a program section, or log datalog text (DTR)."""
        if isinstance(record, Bps):
            name = record.seq_name or "Section"
            self.stack.append(self.stack[-1].add_sequence(name))
        elif isinstance(record, Eps):
            if len(self.stack) > 1:
                self.stack.pop()
        elif record.text_dat:
            self.stack[-1].add_action("Datalog").report_text = record.text_dat

    def finish(
        self, prr: Prr, mir: Mir, lookup: Lookup, wafer_id: str | None, serial_prefix: str
    ) -> UUTReport:
        """Complete the report from the part's PRR (serial, verdict, bins, coordinates)."""
        report = self.report
        part_id = (prr.part_id or "").strip()
        x, y = _coordinate(prr.x_coord), _coordinate(prr.y_coord)
        if not part_id:
            part_id = f"{mir.lot_id or 'LOT'}-{wafer_id or 'WAFER'}-X{x}Y{y}"
        elif serial_prefix == "lot" and mir.lot_id:
            part_id = f"{mir.lot_id}-{part_id}"
        elif serial_prefix == "wafer" and (wafer_id or mir.lot_id):
            part_id = f"{wafer_id or mir.lot_id}-{part_id}"
        report.serial_number = part_id
        header = report.uut
        assert header is not None
        if prr.test_t:
            header.exec_time = prr.test_t / 1000.0
        header.batch_sn = mir.lot_id or None
        header.test_socket_index = prr.site_num
        hard = (
            lookup.bin(True, prr.head_num, prr.site_num, prr.hard_bin)
            if prr.hard_bin is not None
            else None
        )
        soft = (
            lookup.bin(False, prr.head_num, prr.site_num, prr.soft_bin)
            if prr.soft_bin is not None
            else None
        )
        _misc(report, prr, mir, lookup, wafer_id, x, y, hard, soft)
        report.propagate_failures()
        result = _part_result(prr, hard)
        report.result = result
        if result != "P":
            report.root.status = result
        return report


def _coordinate(value: int | None) -> int | None:
    return None if value is None or value == -32768 else value


def _set_bits(data: bytes) -> list[int]:
    return [i for i in range(len(data) * 8) if data[i >> 3] >> (i & 7) & 1]


def _part_result(prr: Prr, hard: object) -> str:
    flags = prr.part_flg
    if flags is None:
        return "E"
    if flags & 0x04:
        return "T"
    if flags & 0x10:
        verdict = getattr(hard, "bin_pf", None)
        return verdict if verdict in ("P", "F") else "E"
    return "F" if flags & 0x08 else "P"


def _misc(
    report: UUTReport,
    prr: Prr,
    mir: Mir,
    lookup: Lookup,
    wafer_id: str | None,
    x: int | None,
    y: int | None,
    hard: object,
    soft: object,
) -> None:
    def add(description: str, text: str | None = None, numeric: float | None = None) -> None:
        text = text.strip() if text else None
        if text or numeric is not None:
            report.add_misc_info(description, text or None, numeric=numeric)

    add("Hard bin", getattr(hard, "bin_nam", None), prr.hard_bin)
    if prr.soft_bin != 0xFFFF:
        add("Soft bin", getattr(soft, "bin_nam", None), prr.soft_bin)
    add("X", numeric=x)
    add("Y", numeric=y)
    add("Head", numeric=prr.head_num)
    add("Site", numeric=prr.site_num)
    add("Wafer ID", wafer_id)
    add("Sublot ID", mir.sblot_id)
    add("Part text", prr.part_txt)
    add("Test code", mir.test_cod)
    add("Test temperature", mir.tst_temp)
    add("Mode code", (mir.mode_cod or "").strip())
    add("Tester type", mir.tstr_typ)
    add("Tester serial", mir.serl_num)
    add("Executive", " ".join(t for t in (mir.exec_typ, mir.exec_ver) if t))
    add("Facility", mir.facil_id)
    add("Floor", mir.floor_id)
    for sdr in lookup.sdr:
        for field, value in sdr.equipment:
            add(field, value)
