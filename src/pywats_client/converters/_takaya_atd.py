"""TAKAYA ATD (TAB-separated, 58 columns): one UUT report per GROUP block (board of a panel).

The record header (`Model:`, `DATE d/M/yyyy`, `Test time:`, `Test ID :`, `User name :`) applies
to every board after it; each board has its verdict banner, `Serial No.` line, a column header
row and one data row per step. Statuses are the tester's Judgement column, not a comparison of
the rounded printed values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pywats.report import NumericLimitStep, UUTReport
from pywats_client.converters._ict import (
    Header,
    Limits,
    LineError,
    add_unmeasured,
    finish,
    new_report,
    number,
    tolerance_limits,
)
from pywats_client.converters._takaya_common import Settings, TypeSequences, add_tested, step_name

__all__ = ["atd_reports"]

_BANNER = re.compile(r"^\*\s*(PASS|FAIL|NO-TEST)\s*\*$|^NO-TEST$")
_GROUP = re.compile(r"^\*\s*GROUP No\.\s*(\d+)\s*\*$")
_MS = re.compile(r"^(\d+(?:\.\d+)?) ms$")
_COLUMNS = 56  # up to Function; the two last columns may be cut off


@dataclass
class _Panel:
    model: str = ""
    date: datetime | None = None
    seconds: float | None = None
    station: str | None = None
    operator: str | None = None


@dataclass
class _Board:
    report: UUTReport
    sequences: TypeSequences
    line: int
    verdict: str


def atd_reports(lines: Iterable[tuple[int, str]], settings: Settings) -> Iterator[UUTReport]:
    """The reports of a TAB-separated ATD file, one per board, as each board ends."""
    panel = _Panel()
    board: _Board | None = None
    verdict, group_line = "", 0
    in_group = False
    index = 0
    debug = "_debug" in settings.source.path.name.lower()
    for line_number, line in lines:
        text = line.strip()
        if line[:1].isdigit() and "\t" in line:
            if board is None:
                raise LineError("a data row before the board's 'Serial No.' line", line_number)
            _row(board, line.split("\t"), line_number)
            continue
        if text == "@" or _GROUP.match(text):
            if board is not None:
                yield _close(board, settings)
                index += 1
                board = None
            in_group = bool(_GROUP.match(text))
            verdict, group_line = "", line_number
            continue
        banner = _BANNER.match(text)
        if banner:
            if in_group and not verdict:
                verdict = banner[1] or "NO-TEST"
            continue
        if text.startswith(("D.T:", "Group_No.")):
            continue
        key, colon, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if not colon:
            raise LineError(f"unexpected line {text[:40]!r} (not a known ATD line)", line_number)
        if key == "Serial No.":
            if not in_group:
                raise LineError("a 'Serial No.' line outside a GROUP block", line_number)
            if board is not None:
                yield _close(board, settings)
                index += 1
            header = Header(
                serial_number=value,
                part_number=panel.model or None,
                process_code=10 if debug else None,
                station=panel.station,
                operator=panel.operator,
                start=panel.date,
                exec_time=panel.seconds,
            )
            report = new_report(
                settings.source, settings.defaults, settings.zone, header, index, line_number
            )
            sequences = TypeSequences(report.root, settings.group_by_type)
            board = _Board(report, sequences, group_line or line_number, verdict)
        elif key == "Model":
            panel.model = value
        elif key.startswith("DATE"):
            panel.date = _date(text[4:].strip(), line_number)
        elif key == "Test time":
            seconds = number(value.removesuffix("s").strip())
            if seconds is None:
                raise LineError(f"Test time {value!r} is not '<seconds> s'", line_number)
            panel.seconds = seconds
        elif key == "Test ID":
            panel.station = value or None
        elif key == "User name":
            panel.operator = value or None
        else:
            raise LineError(f"unexpected line {text[:40]!r} (not a known ATD line)", line_number)
    if board is not None:
        yield _close(board, settings)
    elif index == 0:
        raise LineError("the file has no 'Serial No.' line, so no unit", max(group_line, 1))


def _date(text: str, line: int) -> datetime:
    try:
        return datetime.strptime(text, "%d/%m/%Y %H:%M:%S")
    except ValueError:
        raise LineError(f"DATE {text!r} is not d/M/yyyy HH:mm:ss", line) from None


def _close(board: _Board, settings: Settings) -> UUTReport:
    report = board.report
    report.propagate_failures()
    if not board.verdict:
        raise LineError("the GROUP block has no '* PASS *' or '* FAIL *' banner", board.line)
    report.result = "P" if board.verdict == "PASS" else "F"
    return finish(report, settings.source, board.line)


def _tolerance(text: str, line: int) -> float:
    value = number(text.removesuffix("%"))
    if value is None:
        raise LineError(f"tolerance {text!r} is not a signed percentage such as '+5%'", line)
    return value


def _row(board: _Board, raw: list[str], line: int) -> None:
    if len(raw) < _COLUMNS:
        raise LineError(f"a data row needs {_COLUMNS} TAB-separated fields, found {len(raw)}", line)
    f = [cell.strip() for cell in raw]
    parts, comment, h_pin, net_h, l_pin, net_l = f[2], f[5], f[7], f[8], f[9], f[10]
    judgement, function = f[15], f[55]
    name = step_name(parts, comment, net_h, net_l)
    text = f"#{f[1]} {comment} Tol+:{f[33]} Tol-:{f[34]} H-pin:{h_pin} L-pin:{l_pin}"
    if net_h:
        text += f" {net_h} {net_l}"
    match = _MS.match(f[32])
    seconds = float(match[1]) / 1000 if match else 0.0
    sequence = board.sequences.of(parts)
    step: NumericLimitStep
    if judgement.lower() in ("jump", "......") or function.upper() == "JP":
        step = add_unmeasured(sequence, name, "S")
    else:
        status = "P" if judgement == "PASS" else "F"
        plus, minus = _tolerance(f[33], line), _tolerance(f[34], line)
        reference = number(f[18])
        limits = _limits(function, reference, plus, minus)
        readings = ((f[26], f[27]), (f[22], f[23]))
        step = add_tested(sequence, name, status, reference, limits, f[19], readings)
    step.report_text = text
    step.tot_time = seconds


def _limits(function: str, reference: float | None, plus: float, minus: float) -> Limits | None:
    if reference is None:
        return None
    code = function.upper()
    if code in ("**", "D"):
        return tolerance_limits(reference, plus, minus)
    if code == "E":
        return Limits("LE", reference)
    if code == "F":
        return Limits("GE", reference)
    if code in ("OP", "SH"):
        # The file does not carry the open/short threshold the tester applied.
        return Limits("LOG")
    return None
