"""Teradyne Spectrum ICT text data (CTRD import/export format) → WATS UUT reports.

One board per `PROGRAM_NAME` record (a file normally holds one). Each `SECTION_NAME` opens a
sequence; each `STEP` record gives one test step per `PAGE` (a sequence named after the step
when it has several pages). A page with a measured value is a numeric test whose limits are
rescaled to the value's prefix; a page without one is an action. Statuses are the tester's
(`STAT`), the result its `USER STATUS: BOARD …` line. The format carries no revision: the
`revision` parameter is required. Mapping in docs/converters.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pywats.report import SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._ict import (
    decimal,
    expand_year,
    ict_parameters,
    shifted,
    text_lines,
)
from pywats_client.converters._mapping import (
    checked,
    localize,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import Parameter
from pywats_client.converters._spectrum_records import Node, RecordError, top_records

__all__ = ["SpectrumConverter"]

PARAMETERS: tuple[Parameter, ...] = tuple(
    Parameter(
        "revision",
        str,
        None,
        "Part revision of the boards: Spectrum logs carry none.",
        required=True,
    )
    if p.name == "revision"
    else p
    # Virinco's converter defaults to 30, a code a new server does not have and WATS refuses
    # (wats-rules.md U7): 50 is the board test a new server has.
    for p in ict_parameters(operation_code=50)
)

_SCALES = {"f": -15, "p": -12, "n": -9, "u": -6, "µ": -6, "m": -3, "": 0, "k": 3, "K": 3,
           "M": 6, "G": 9}  # fmt: skip
_UNITS = {"O": "Ω"}  # Spectrum writes O for ohm
_PREFIX_SYMBOLS = {"K": "k", "u": "µ"}  # the SI spelling of the scales
_STEP_STATUS = {"pass": "P", "passed": "P", "fail": "F", "failed": "F", "done": "D",
                "skipped": "S", "error": "E", "terminated": "T"}  # fmt: skip
_BOARD_RESULT = {"passed": "P", "failed": "F", "error": "E", "aborted": "T", "terminated": "T",
                 "undetermined": "T"}  # fmt: skip
_MISC = {"CustomerSerialnumber": "CustomerSN", "OrderNumber": "OrderNumber",
         "version": "Program version"}  # fmt: skip
_COMMENT_NOISE = ("Analysis Comments:", "Testable.")


@dataclass
class _Value:
    number: Decimal
    scale: str
    unit: str


@dataclass
class _Board:
    """The board being read: its report, header values from USER lines, and timing."""

    report: UUTReport
    line: int
    section: SequenceCall
    serial: str | None = None
    operator: str | None = None
    result: str | None = None
    first: datetime | None = None
    last: datetime | None = None
    previous: tuple[Step, datetime] | None = None
    misc: list[tuple[str, str]] = field(default_factory=list)


class SpectrumConverter(Converter):
    """Teradyne Spectrum CTRD text → one report per board."""

    name = "teradyne-spectrum"
    description = "Teradyne Spectrum ICT text data (CTRD import/export format)"
    patterns = ("*.txt", "*.ctrd")
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        return list(self.iter_reports(source))

    def iter_reports(self, source: Source) -> Iterator[UUTReport]:
        """Yield each board's report when the next board starts or the file ends; raises
        ConversionError naming the line. Only the current board is held in memory."""
        board: _Board | None = None
        count = 0
        node: Node | None = None
        try:
            for node in top_records(text_lines(source, self.defaults.encoding, blank=True)):
                if node.key == "PROGRAM_NAME":
                    if board is not None:
                        yield self._finish(source, board)
                    board = self._board(source, node, count)
                    count += 1
                elif board is None:
                    raise ValueError(f"({node.key}: before the (PROGRAM_NAME: record")
                elif node.key == "SUBPROGRAM_NAME" and node.text:
                    board.misc.append(("Subprogram", node.text))
                elif node.key == "SECTION_NAME":
                    board.section = board.report.root.add_sequence(node.text or "Section")
                elif node.key == "STEP":
                    self._step(board, node)
                elif node.key == "USER":
                    self._user(board, node)
            if board is None:
                raise ValueError("no (PROGRAM_NAME: record: not a Spectrum CTRD file")
            yield self._finish(source, board)
        except RecordError as exc:
            raise source.error(str(exc), f"line {exc.line}") from None
        except ValueError as exc:
            raise source.error(str(exc), f"line {node.line if node else 1}") from None

    def _board(self, source: Source, node: Node, index: int) -> _Board:
        identity = unit_identity(
            source,
            self.defaults,
            part_number=node.text or None,
            revision=None,
            process_code=None,
            where=f"line {node.line}",
        )
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number="(until USER Serialnumber)",
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(None, self.defaults.station_name, source),
            location=source.station.location,
            purpose=source.station.purpose,
            sequence_name=node.text or "Spectrum",
        )
        report.add_misc_info("File", source.path.name[:100])
        return _Board(report, node.line, report.root)

    def _user(self, board: _Board, node: Node) -> None:
        key, _, value = node.text.partition(":")
        key, value = key.strip(), value.strip()
        if key == "Serialnumber":
            board.serial = value
        elif key == "Operator":
            board.operator = value
        elif key == "STATUS":
            word = value.removeprefix("BOARD").strip()
            result = _BOARD_RESULT.get(word.lower())
            if result is None:
                raise ValueError(f"USER STATUS: expected BOARD PASSED/FAILED/..., got {value!r}")
            board.result = result
        elif key in _MISC and value:
            board.misc.append((_MISC[key], value))

    def _time(self, node: Node) -> datetime:
        text = node.text
        for form, short in (("%m/%d/%Y %H:%M:%S", False), ("%m/%d/%y %H:%M", True)):
            try:
                moment = datetime.strptime(text, form)
            except ValueError:
                continue
            if short:  # the format note's 2-digit years pivot as the tester's software does
                moment = moment.replace(year=expand_year(moment.year % 100))
            return localize(moment, zone_from_name(str(self.values["timezone"])))
        raise ValueError(f"TIME: expected MM/dd/yyyy HH:mm:ss, got {text!r}")

    def _step(self, board: _Board, node: Node) -> None:
        time_node = node.child("TIME")
        if time_node is None:
            raise ValueError("a (STEP: record without (TIME:")
        moment = self._time(time_node)
        board.first = board.first or moment
        board.last = moment
        if board.previous is not None:
            step, started = board.previous
            step.tot_time = max((moment - started).total_seconds(), 0.0)
            board.previous = None
        name_node, desc_node = node.child("SNAME"), node.child("DESC")
        name = name_node.text if name_node else ""
        description = desc_node.text.strip() if desc_node else ""
        pages = [p for p in node.children if p.key == "PAGE"]
        if not pages:
            return
        written: Step
        if len(pages) > 1:
            sequence = board.section.add_sequence(name or "STEP")
            if description:
                sequence.report_text = description
            for page in pages:
                self._page(sequence, page, None)
            written = sequence
        else:
            written = self._page(board.section, pages[0], description)
        board.previous = (written, moment)

    def _page(self, parent: SequenceCall, page: Node, description: str | None) -> Step:
        status = self._status(page.child("STAT"))
        name = _text(page, "PAGE_NAME") or "PAGE"
        below = page.index()
        connected = below.get("CONNECTED_NODES")
        if connected is not None and (tp := connected.index().get("TPNAME")) is not None:
            name = f"{name} - {tp.text}"
        texts = [description or "", _comment(_text(page, "COMMENT")), _text(page, "FAIL_MSG")]
        program = below.get("PROG_NAME")
        if program is not None and program.text:
            texts.append(f"EXT_PROG: {program.text}")
        measured = self._value(below.get("MEASVAL") or below.get("MEAS_VAL"))
        step: Step
        if measured is None:
            step = parent.add_action(name, status=status)
        else:
            low = self._value(below.get("LOLIM") or below.get("LOW"))
            threshold = below.get("THRESH")
            if low is None and threshold is not None:
                low = self._value(threshold, measured)
            high = self._value(below.get("HILIM") or below.get("HIGH"))
            exponent = _SCALES[measured.scale]
            step = parent.add_numeric(
                name,
                shifted(measured.number, 0),
                low=_rescaled(low, exponent),
                high=_rescaled(high, exponent),
                unit=_unit(measured),
                status="F" if status == "F" else "P",
            )
            step.status = status
        text = " ".join(t.strip() for t in texts if t.strip())
        if text:
            step.report_text = text
        if "GROUP_NAME" in below or "FSCAN_PIN" in below:
            for group in _groups(page):
                self._group(parent, group)
        return step

    def _group(self, parent: SequenceCall, node: Node) -> None:
        """A `GROUP_NAME` or `FSCAN_PIN` result inside a page: one more test step."""
        status = self._status(node.child("STAT"))
        if node.key == "FSCAN_PIN":
            parent.add_action(_text(node, "TPNAME") or "FSCAN_PIN", status=status)
            return
        name = _text(node, "GROUP_NAME") or "GROUP"
        measured = self._value(node.child("MEASVAL"))
        if measured is None:
            parent.add_action(name, status=status)
            return
        step = parent.add_numeric(
            name,
            shifted(measured.number, 0),
            unit=_unit(measured),
            status="F" if status == "F" else "P",
        )
        step.status = status

    def _status(self, node: Node | None) -> str:
        if node is None:
            return "D"
        status = _STEP_STATUS.get(node.text.strip().lower())
        if status is None:
            raise ValueError(f"STAT: expected PASS or FAIL, got {node.text!r}")
        return status

    def _value(self, node: Node | None, like: _Value | None = None) -> _Value | None:
        """A `(VAL: n) (SCALE: p) (UNIT: u)` record (or a bare number, taking `like`'s scale and
        unit); None when absent."""
        if node is None:
            return None
        val = node.child("VAL")
        text = val.text if val is not None else node.text
        number = decimal(text, self.defaults.decimal_comma)
        if number is None:
            raise ValueError(f"{node.key}: expected a number, got {text!r}")
        if val is None and like is not None:
            return _Value(number, like.scale, like.unit)
        scale = _text(node, "SCALE")
        if scale not in _SCALES:
            raise ValueError(f"{node.key} SCALE: expected one of p n u m k M G, got {scale!r}")
        return _Value(number, scale, _text(node, "UNIT"))

    def _finish(self, source: Source, board: _Board) -> UUTReport:
        report = board.report
        where = f"line {board.line}"
        if not board.serial:
            raise source.error("the board has no (USER: Serialnumber:…) line", where)
        report.serial_number = board.serial
        if board.first is None or board.last is None:
            raise source.error("the board has no (STEP: record with a (TIME:", where)
        report.start = board.first
        if report.uut is not None:
            report.uut.exec_time = (board.last - board.first).total_seconds()
            report.uut.user = board.operator or self.defaults.operator
        for label, value in board.misc:
            report.add_misc_info(label, value[:100])
        report.propagate_failures()
        if board.result is not None:
            report.result = board.result
        return checked(report, source, where)


def _text(node: Node, key: str) -> str:
    child = node.child(key)
    return child.text if child is not None else ""


def _comment(text: str) -> str:
    for noise in _COMMENT_NOISE:
        text = text.replace(noise, "")
    return text


def _unit(value: _Value) -> str | None:
    """The unit text of a value: SI prefix + unit (`kΩ`, `nF`, `mV`)."""
    text = _PREFIX_SYMBOLS.get(value.scale, value.scale) + _UNITS.get(value.unit, value.unit)
    return text or None


def _rescaled(value: _Value | None, exponent: int) -> float | None:
    """`value` in the measured value's prefix (10**`exponent`)."""
    if value is None:
        return None
    return shifted(value.number, _SCALES[value.scale] - exponent)


def _groups(page: Node) -> Iterator[Node]:
    """Records inside `page` that carry a result of their own (`GROUP_NAME`, `FSCAN_PIN`)."""
    for child in page.children:
        if child.key == "FSCAN_PIN" or child.child("GROUP_NAME") is not None:
            yield child
        else:
            yield from _groups(child)
