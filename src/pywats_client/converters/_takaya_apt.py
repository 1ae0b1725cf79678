"""TAKAYA APT94xx ATD (space-padded, quoted fields): one UUT report per GROUP block.

A record (`@` … `@`) carries Model, DATE and Test ID, kept until a later record replaces them;
each `* GROUP No.n *` block inside it has its own verdict banner and `Serial No.` line and
becomes one report. A step measured twice becomes a loop: the summary and the second attempt
carry the tester's verdict, the first attempt is judged against the limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pywats.report import Loop, NumericLimitStep, UUTReport, numeric_passes
from pywats_client.converters._ict import (
    Header,
    Limits,
    LineError,
    add_measured,
    add_unmeasured,
    component_prefix,
    finish,
    new_report,
    number,
    parse_unit,
    tolerance_limits,
)
from pywats_client.converters._takaya_common import Settings, TypeSequences

__all__ = ["apt_reports"]

_QUOTED = re.compile(r'"([^"]*)"')
_TOLERANCE = re.compile(r"[+-]\d+(?:\.\d+)?%")
_STEP = re.compile(r"^\d{6}\s")
_MS = re.compile(r"^(\d+(?:\.\d+)?) ms$")
_VERDICTS = {"PASS": "P", "FAIL": "F", "OPEN": "F", "SHORT": "F", "......": "S"}
_FUNCTIONS = ("**", "OP", "SH", "JP", "D", "E", "F")
_BANNER = re.compile(r"^\*\s*(PASS|FAIL|NO-TEST)\s*\*$")
_GROUP = re.compile(r"^\*\s*GROUP No\.\s*(\d+)\s*\*$")
_DOTS = re.compile(r"^\.+$")


@dataclass
class _Record:
    """Header lines of the current record (kept into the next one until replaced)."""

    model: str = ""
    date: datetime | None = None
    station: str | None = None
    banner: str = ""


@dataclass
class _Group:
    report: UUTReport
    sequences: TypeSequences
    line: int
    verdict: str
    milliseconds: float = 0.0


def apt_reports(lines: Iterable[tuple[int, str]], settings: Settings) -> Iterator[UUTReport]:
    """The reports of an APT94xx file, one per GROUP block, as each block ends."""
    record = _Record()
    group: _Group | None = None
    pending: int | None = None  # line of a GROUP banner whose Serial No. has not come yet
    index = 0
    last = 0
    for number_, line in lines:
        last = number_
        text = line.strip()
        if text == "@":
            if group is not None:
                yield _close(group, settings)
                index += 1
                group = None
            continue
        if _STEP.match(text):
            if group is None:
                raise LineError("a step line before any 'Serial No.' line", number_)
            _step(group, text, number_)
            continue
        banner = _BANNER.match(text)
        if banner:
            record.banner = banner[1]
            continue
        if text.startswith("D.T:"):
            continue
        if _GROUP.match(text):
            if group is not None:
                yield _close(group, settings)
                index += 1
                group = None
            pending = number_
            record.banner = ""
            continue
        if text.startswith("Serial No.:"):
            if group is not None:
                yield _close(group, settings)
                index += 1
            group = _open(record, text[len("Serial No.:") :].strip(), settings, index, number_)
            pending = None
            continue
        if text.startswith("Model:"):
            record.model = text[len("Model:") :].strip()
        elif text.startswith("DATE "):
            record.date = _date(text[5:].strip(), number_)
        elif text.startswith("Test ID :") or text.startswith("Test ID:"):
            record.station = text.partition(":")[2].strip() or None
        else:
            raise LineError(
                f"unexpected line {text[:40]!r} (not a known APT94xx ATD line)", number_
            )
    if group is not None:
        yield _close(group, settings)
    elif pending is not None:
        raise LineError("the GROUP block has no 'Serial No.' line", pending)
    elif index == 0:
        raise LineError("the file has no 'Serial No.' line, so no unit", max(last, 1))


def _date(text: str, line: int) -> datetime:
    try:
        return datetime.strptime(text, "%d/%m/%y %H:%M:%S")
    except ValueError:
        raise LineError(f"DATE {text!r} is not dd/MM/yy HH:mm:ss", line) from None


def _model(model: str) -> tuple[str, str | None, str | None]:
    """Part number, side (`T`/`B` or None) and revision from `<pn>[T|B][_PANEL|_SINGLE]_<rev>`."""
    part, _, rest = model.partition("_")
    side = None
    if len(part) > 1 and part[-1] in "TB" and part[-2].isdigit():
        part, side = part[:-1], part[-1]
    for marker in ("panel_", "single_"):
        if rest.lower().startswith(marker):
            rest = rest[len(marker) :]
    if rest.lower() in ("panel", "single"):
        rest = ""
    return part, side, rest.strip("_") or None


def _open(record: _Record, serial_text: str, settings: Settings, index: int, line: int) -> _Group:
    if not record.model:
        raise LineError("the record has no 'Model:' line (the part number)", line)
    part, side, revision = _model(record.model)
    label, _, tail = serial_text.partition("(")
    tokens = [t.strip() for t in tail.rstrip(")").split(" - ", 1)] if tail else []
    batch, dash, serial = label.strip().partition("-")
    if not dash:
        batch, serial = "", batch
    first = tokens[0] if tokens else ""
    second = tokens[1] if len(tokens) > 1 else ""
    operator = second if settings.station_from_operator else first
    station = record.station or (first if settings.station_from_operator else None)
    version, dot, program = (revision or "").partition(".")
    header = Header(
        serial_number=serial.strip(),
        part_number=part or None,
        revision=revision,
        process_code=settings.bottom_code if side == "B" else None,
        station=station or None,
        operator=operator or None,
        start=record.date,
        batch=batch.strip() or None,
        sequence_name=(program if dot else "") or part or "MainSequence",
        sequence_version=(version if dot else revision) or "",
    )
    report = new_report(settings.source, settings.defaults, settings.zone, header, index, line)
    if second and not settings.station_from_operator:
        report.add_misc_info("Operator 2", second)
    if side is not None:
        report.add_misc_info("Side", "Bottom" if side == "B" else "Top")
    sequences = TypeSequences(report.root, settings.group_by_type)
    return _Group(report, sequences, line, record.banner)


def _close(group: _Group, settings: Settings) -> UUTReport:
    report = group.report
    if group.milliseconds and report.uut is not None:
        report.uut.exec_time = round(group.milliseconds / 1000, 6)
    report.propagate_failures()
    if not group.verdict:
        raise LineError("the GROUP block has no '* PASS *' or '* FAIL *' banner", group.line)
    report.result = "P" if group.verdict == "PASS" else "F"
    return finish(report, settings.source, group.line)


def _split(field_text: str) -> tuple[float | None, str, bool]:
    """(number, unit, is-dots) of a value field such as `4.21 KO` or `........`."""
    if _DOTS.match(field_text) or not field_text:
        return None, "", True
    head, _, unit = field_text.rpartition(" ")
    if not head:
        head, unit = unit, ""
    return number(head), unit.strip(), False


def _step(group: _Group, text: str, line: int) -> None:
    quoted = [q.strip() for q in _QUOTED.findall(text)]
    if len(quoted) < 8:
        raise LineError(f"a step line needs at least 8 quoted fields, found {len(quoted)}", line)
    verdict_at = next((i for i in range(3, len(quoted)) if quoted[i] in _VERDICTS), None)
    if verdict_at is None or verdict_at < 4:
        raise LineError("no verdict (PASS, FAIL, OPEN, SHORT or ......) after the values", line)
    parts, value_text, comment = quoted[0], quoted[1], quoted[2]
    values = [_split(v) for v in quoted[3:verdict_at]]
    verdict = quoted[verdict_at]
    tail = quoted[verdict_at + 1 :]
    function = next((q for q in reversed(tail) if q in _FUNCTIONS), None)
    if function is None:
        function = next((q for q in reversed(tail) if len(q) <= 4), "")
    time = next((float(m[1]) for q in tail if (m := _MS.match(q))), 0.0)
    group.milliseconds += time
    unquoted = _QUOTED.sub(" ", text)
    tolerances = [float(t[:-1]) for t in _TOLERANCE.findall(unquoted)]
    plus = tolerances[0] if tolerances else 10.0
    minus = tolerances[1] if len(tolerances) > 1 else plus
    sequence = group.sequences.of(parts)
    name = f"{parts}_{comment}" if component_prefix(parts) != parts else f"{comment}_{value_text}"
    jumped = verdict == "......" or function == "JP"
    reference, ref_unit_text, _ = values[0]
    # Test value 2, else test value 1, else the reference itself.
    at = next((i for i in (2, 1) if i < len(values) and not values[i][2]), 0)
    measured = values[at]
    shown = quoted[3 + at] if measured[0] is not None else ""
    report_text = (
        f"Parts:{parts} Value:{value_text} Ref:{quoted[3]} Meas:{shown} Function:{function}"
    )
    status = "S" if jumped else _VERDICTS[verdict]
    if jumped or reference is None:
        step: NumericLimitStep = add_unmeasured(sequence, name, status)
        _describe(step, report_text, time)
        return
    ref_unit = parse_unit(ref_unit_text or measured[1])
    limits = _limits(function, reference, plus, minus)

    def value_of(entry: tuple[float | None, str, bool]) -> float:
        raw = entry[0] if entry[0] is not None else float("nan")
        return parse_unit(entry[1] or ref_unit_text).to(ref_unit, raw)

    unit = ref_unit.name or None
    dual = len(values) >= 3 and not values[2][2]
    if not dual:
        step = add_measured(sequence, name, value_of(measured), limits, unit, status)
        _describe(step, report_text, time)
        return
    first, second = value_of(values[1]), value_of(values[2])
    first_status = _judge(limits, first)
    statuses = (first_status, status)
    summary = add_measured(sequence, name, second, limits, unit, status)
    summary.loop = Loop.summary(
        2, passed=statuses.count("P"), failed=sum(s != "P" for s in statuses)
    )
    _describe(summary, report_text, time)
    for idx, (value, judged) in enumerate(((first, first_status), (second, status))):
        iteration = add_measured(sequence, name, value, limits, unit, judged)
        iteration.loop = Loop.iteration(idx)


def _describe(step: NumericLimitStep, text: str, milliseconds: float) -> None:
    step.report_text = text
    step.tot_time = milliseconds / 1000


def _limits(function: str, reference: float, plus: float, minus: float) -> Limits:
    if function == "E":
        return Limits("LE", reference)
    if function == "F":
        return Limits("GE", reference)
    if function in ("OP", "SH"):
        # The file does not carry the open/short threshold the tester applied.
        return Limits("LOG")
    return tolerance_limits(reference, plus, minus)


def _judge(limits: Limits, value: float) -> str:
    """The first of two attempts: judged on its printed value where limits exist; an open or
    short test measured again had failed its first attempt."""
    if limits.comp == "LOG":
        return "F"
    passed = numeric_passes(limits.comp, value, limits.low, limits.high)
    return "P" if passed else "F"
