"""TAKAYA ATDX (`;`-separated, 35 columns): one UUT report per test run.

The file is a chain of blocks, each a main header (tester, model, serial, date) and one group
(`Group No.: n Side: A PASS`) with its rows. Groups 1, 2, … of one run are board positions of
the same panel and become `Group n` sequences of one report; a `Group No.: 1` after other groups
starts the next run, whose header is the block's own. The result is the worst group verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from pywats.report import NumericLimitStep, UUTReport
from pywats_client.converters._ict import (
    Header,
    Limits,
    LineError,
    add_unmeasured,
    finish,
    new_report,
    number,
    tidy,
)
from pywats_client.converters._takaya_common import Settings, TypeSequences, add_tested, step_name

__all__ = ["atdx_reports"]

_GROUP = re.compile(r"^Group No\.:\s*(\d+)\s+Side:\s*(\S+)\s+(PASS|FAIL)$")
_COLUMNS = 25  # up to Netname-L-pin; the guard and back-up probe columns are not used
# Runs of one file share the main header's date; WATS orders them by 30 s steps.
_RUN_OFFSET = timedelta(seconds=30)
_SKIPPED = ("SKIP", "UNTESTED")


@dataclass
class _Block:
    station: str | None = None
    model: str = ""
    serial: str = ""
    date: datetime | None = None


@dataclass
class _Run:
    report: UUTReport
    line: int
    groups: int = 0
    failed: bool = False
    sequences: TypeSequences | None = None


def atdx_reports(lines: Iterable[tuple[int, str]], settings: Settings) -> Iterator[UUTReport]:
    """The reports of an ATDX file, one per run, as each run ends."""
    block = _Block()
    run: _Run | None = None
    index = 0
    last = 0
    for line_number, line in lines:
        last = line_number
        text = line.strip()
        if text[:1].isdigit():
            if run is None or run.sequences is None:
                raise LineError("a data row before any 'Group No.:' line", line_number)
            _row(run.sequences, line.split(";"), line_number)
            continue
        if text.startswith("#") or text.startswith("---") or text.startswith("Order;"):
            continue
        group = _GROUP.match(text)
        if group:
            number_ = int(group[1])
            if number_ == 1 and run is not None:
                yield _close(run, settings)
                index += 1
                run = None
            if run is None:
                run = _open(block, settings, index, line_number)
            run.groups += 1
            run.failed = run.failed or group[3] == "FAIL"
            parent = run.report.root.add_sequence(f"Group {number_}")
            run.sequences = TypeSequences(parent, settings.group_by_type)
            continue
        key, colon, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if not colon:
            raise LineError(f"unexpected line {text[:40]!r} (not a known ATDX line)", line_number)
        if key == "Tester ID":
            block.station = value or None
        elif key == "Model":
            block.model = value
        elif key == "Serial number":
            block.serial = value
        elif key == "Test Date":
            block.date = _date(value, line_number)
        else:
            raise LineError(f"unexpected line {text[:40]!r} (not a known ATDX line)", line_number)
    if run is None:
        raise LineError("the file has no 'Group No.:' line, so no unit", max(last, 1))
    yield _close(run, settings)


def _date(text: str, line: int) -> datetime:
    try:
        return datetime.strptime(text, "%d/%m/%Y %H:%M:%S")
    except ValueError:
        raise LineError(f"Test Date {text!r} is not dd/MM/yyyy HH:mm:ss", line) from None


def _open(block: _Block, settings: Settings, index: int, line: int) -> _Run:
    part, _, suffix = block.model.partition(" ")
    header = Header(
        serial_number=block.serial,
        part_number=part or None,
        station=block.station,
        start=block.date + _RUN_OFFSET * index if block.date is not None else None,
    )
    report = new_report(settings.source, settings.defaults, settings.zone, header, index, line)
    if suffix.strip():
        report.add_misc_info("barcode_suffix", suffix.strip())
    return _Run(report, line)


def _close(run: _Run, settings: Settings) -> UUTReport:
    report = run.report
    report.propagate_failures()
    report.result = "F" if run.failed else "P"
    return finish(report, settings.source, run.line)


def _row(sequences: TypeSequences, raw: list[str], line: int) -> None:
    if len(raw) < _COLUMNS:
        raise LineError(f"a data row needs {_COLUMNS} ';'-separated fields, found {len(raw)}", line)
    f = [cell.strip() for cell in raw]
    parts, comment, func, judge = f[3], f[6], f[11].upper(), f[20]
    h_pin, net_h, l_pin, net_l = f[21], f[22], f[23], f[24]
    name = step_name(parts, comment, net_h, net_l)
    text = f"#{f[0]} {comment} H-pin:{h_pin} L-pin:{l_pin}"
    if net_h:
        text += f" {net_h} {net_l}"
    sequence = sequences.of(parts)
    step: NumericLimitStep
    if judge.upper() in _SKIPPED or func == "JP":
        step = add_unmeasured(sequence, name, "S")
    else:
        status = "P" if judge == "PASS" else "F"
        reference = number(f[9])
        limits = _limits(func, reference, number(f[12]), number(f[14]))
        readings = ((f[18], f[19]), (f[16], f[17]))
        step = add_tested(sequence, name, status, reference, limits, f[10], readings)
    step.report_text = text


def _limits(
    func: str, reference: float | None, plus: float | None, minus: float | None
) -> Limits | None:
    if reference is None:
        return None
    if func == "EQ":
        if plus is None or minus is None:
            return Limits("GELE", reference, reference)
        spread = abs(reference) / 100
        return Limits("GELE", tidy(reference - spread * minus), tidy(reference + spread * plus))
    one_sided = {"SH": "LT", "OP": "GT", "LE": "LE", "GE": "GE"}.get(func)
    return Limits(one_sided, reference) if one_sided else None
