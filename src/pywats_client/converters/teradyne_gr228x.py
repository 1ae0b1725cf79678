"""Teradyne GR228X test logs (`.LOG`) → one WATS UUT report per board test in the file.

A log is a station's running record: each board starts with `@<date> SN <serial>` and ends with
an event line (`"` pass, `/` fail, `?`/`!` aborted, `&`/`*` error, `]` back to diagnosis).
Measurement lines (`R508=100.20007K(92.919K,105.131K)R`) become numeric or pass/fail steps in
`<letter>-Group<n>` sequences, failure summaries (`(O 397,398,`) failed string steps. Statuses
are the tester's result characters, the report result its event character. A board the file
leaves open (no event line) is kept. Mapping in docs/converters.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pywats.report import SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._ict import (
    decimal,
    expand_year,
    ict_parameters,
    shifted,
    text_lines,
    with_defaults,
)
from pywats_client.converters._mapping import (
    checked,
    localize,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import Parameter

__all__ = ["Gr228xConverter"]

# The logs carry no revision; the reference converter writes "1".
PARAMETERS: tuple[Parameter, ...] = with_defaults(ict_parameters(operation_code=10), revision="1")

_DATE = r"(\d{1,2})-([A-Za-z]{3})-(\d{2})\s+(\d{1,2}):(\d{2}):(\d{2})"
_PROGRAM = re.compile(r"[A-Za-z]:(?:[^\[]*\\)?([^\\\[]+)\.obc\[" + _DATE, re.IGNORECASE)
_START = re.compile(r"^@" + _DATE + r" SN (.*)$")
_EVENT = re.compile(r"^([\"/?!&*\]])" + _DATE + r"\s*$")
_EVENT_LIKE = re.compile(r"^[\"/?!&*\]]\d{1,2}-[A-Za-z]{3}-")
_KEYWORD = re.compile(r"^WATS_(partNumber|partRevision|sequenceName|sequenceVersion|operator|"
                      r"stationName)=(.*)$")  # fmt: skip
_PANEL = re.compile(r"TOP_OF_LOOP-([A-H])")
_SUMMARY = re.compile(r"^\(([SOBCF])\s*(.*)$")
_NUM = r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?"
_PFX = r"(?:ME+G*|[NPUMK]*)"
_MEASUREMENT = re.compile(
    rf"^(?P<ref>[^=<>#%]+)(?P<res>[=<>#%])(?P<val>{_NUM})?(?P<vp>{_PFX})"
    rf"(?:\(*(?P<lo>{_NUM})?(?P<lp>{_PFX}),*(?P<hi>{_NUM})?(?P<hp>{_PFX})\)+)?"
    r"(?P<type>\w*)\s*=*(?P<msg>.*)$"
)

_MONTHS = {
    month: number
    for number, month in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_PREFIXES = {"P": -12, "N": -9, "U": -6, "M": -3, "": 0, "K": 3, "MEG": 6}
_SYMBOLS = {"P": "p", "N": "n", "U": "µ", "M": "m", "": "", "K": "k", "MEG": "M"}
_EVENTS = {'"': "P", "/": "F", "?": "T", "!": "T", "&": "E", "*": "E"}
_SUMMARIES = {
    "S": "SHORTS test, failed", "O": "OPENS test, failed", "B": "BUSTEST, failure caused by bus",
    "C": "SCRATCHPROBING connection failure", "F": "CONTACT fixture failure",
}  # fmt: skip
# Physical units the measurement type codes imply; other codes stay as `(code)` in the unit.
_TYPE_UNITS = {"R": "Ω", "CP": "F", "CS": "F", "LP": "H", "LS": "H", "V": "V", "DC": "V",
               "AC": "V", "AV": "V", "I": "A", "AI": "A", "HZ": "Hz"}  # fmt: skip
_TYPE_TEXTS = {
    "AC": "MEAS DVM ACV", "AI": "MEAS ACI ACM", "AR": "TEST ARITH", "AV": "MEAS ACV ACM",
    "AY": "MEAS {DVM | {DMM {VOLTAGE|CURRENT}}}", "CS": "MEAS ACZ CS", "CP": "MEAS ACZ CP",
    "DC": "MEAS DVM DCV", "DD": "MEAS ACZ D", "HZ": "FTM FREQ", "I": "MEAS DCM DCI",
    "IS": "TEST DCS DCI", "LP": "MEAS ACZ LP", "LS": "MEAS ACZ LS", "QQ": "MEAS ACZ Q",
    "R": "MEAS R", "RA": "FTM RATIO", "RP": "MEAS ACZ RP", "EV": "FTM EVENT", "RS": "MEAS ACZ RS",
    "S": "FTM PERIOD", "TI": "FTM INTERNAL", "V": "MEAS DCM DCV", "VS": "TEST DCS DCV",
    "XS": "MEAS ACZ XS", "XP": "MEAS ACZ XP", "ZM": "MEAS ACZ Z", "PS": "MEAS",
}  # fmt: skip
_SOURCE_SETTINGS = ("IS", "VS")  # current/voltage source settings, not tests


@dataclass
class _Board:
    """One board test being read: its start line, header values and where steps go."""

    serial: str
    start: datetime
    line: int
    keywords: dict[str, str] = field(default_factory=dict)
    socket: int | None = None
    sequence: SequenceCall | None = None
    groups: dict[str, int] = field(default_factory=dict)
    report: UUTReport | None = None
    steps: int = 0


class Gr228xConverter(Converter):
    """Teradyne GR228X logs → one report per board test."""

    name = "teradyne-gr228x"
    description = "Teradyne GR228X in-circuit test logs (.LOG)"
    patterns = ("*.LOG", "*.log")
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        return list(self.iter_reports(source))

    def iter_reports(self, source: Source) -> Iterator[UUTReport]:
        """Yield each board's report at its event line (a board still open at the end of the
        file last); raises ConversionError naming the line."""
        self._zone = zone_from_name(str(self.values["timezone"]))
        program: tuple[str, str] | None = None  # (part number, sequence name)
        board: _Board | None = None
        count = 0
        number = 0
        try:
            for number, line in text_lines(source, self.defaults.encoding, blank=True):
                if board is None:
                    match = _PROGRAM.search(line)
                    if match:
                        program = (match.group(1).split("_")[0], line[: line.index("[")])
                    elif start := _START.match(line):
                        board = _Board(start.group(7), self._date(start, 1), number)
                    continue
                if start := _START.match(line):
                    # A new board before the previous one's event line: that run was cut off.
                    yield from self._emit(source, board, program, None, None, count)
                    count += board.report is not None
                    board = _Board(start.group(7), self._date(start, 1), number)
                elif keyword := _KEYWORD.match(line):
                    board.keywords[keyword.group(1)] = keyword.group(2).strip()
                elif panel := _PANEL.search(line):
                    board.socket = ord(panel.group(1)) - ord("A") + 1
                elif event := _EVENT.match(line):
                    end = self._date(event, 2)
                    yield from self._emit(source, board, program, event.group(1), end, count)
                    count += board.report is not None
                    board = None
                elif _EVENT_LIKE.match(line):
                    raise ValueError(
                        f"event line: expected <char>dd-MMM-yy  HH:mm:ss, got {line!r}"
                    )
                elif summary := _SUMMARY.match(line):
                    self._summary(board, source, program, summary)
                elif measurement := _MEASUREMENT.match(line):
                    self._measurement(board, source, program, measurement)
            if board is not None:
                yield from self._emit(source, board, program, None, None, count)
        except ValueError as exc:
            raise source.error(str(exc), f"line {number}") from None

    def _date(self, match: re.Match[str], first: int) -> datetime:
        day, month, year, hour, minute, second = match.groups()[first - 1 : first + 5]
        try:
            moment = datetime(
                expand_year(int(year)), _MONTHS[month.lower()], int(day),
                int(hour), int(minute), int(second),
            )  # fmt: skip
        except (KeyError, ValueError):
            raise ValueError(
                f"date {match.group(0).lstrip('@')!r}: expected dd-MMM-yy  HH:mm:ss"
            ) from None
        return localize(moment, self._zone)

    def _report(self, board: _Board, source: Source, program: tuple[str, str] | None) -> UUTReport:
        """The board's report, created with its first step (the WATS_ lines come before)."""
        if board.report is not None:
            return board.report
        words = board.keywords
        part = words.get("partNumber") or (program[0] if program else None)
        identity = unit_identity(
            source,
            self.defaults,
            part_number=part or source.path.name.split(".")[0] or None,
            revision=words.get("partRevision") or None,
            process_code=None,
            where=f"line {board.line}",
        )
        board.report = UUTReport.new(
            id=source.report_id(0),  # replaced when the report is emitted
            part_number=identity.part_number,
            serial_number=board.serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(words.get("stationName"), self.defaults.station_name, source),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=words.get("operator") or self.defaults.operator,
            start=board.start,
            sequence_name=words.get("sequenceName") or (program[1] if program else "GR228X"),
            sequence_version=words.get("sequenceVersion") or "",
        )
        return board.report

    def _summary(
        self, board: _Board, source: Source, program: tuple[str, str] | None, match: re.Match[str]
    ) -> None:
        report = self._report(board, source, program)
        parent = board.sequence or report.root
        step = parent.add_string(_SUMMARIES[match.group(1)], "", comp="LOG", status="F")
        del step.measurements[:]  # the node list is the step's text, not a measured value
        step.status = "F"
        step.report_text = match.group(2).strip() or None
        board.steps += 1

    def _measurement(
        self, board: _Board, source: Source, program: tuple[str, str] | None, match: re.Match[str]
    ) -> None:
        report = self._report(board, source, program)
        ref, result, kind = match.group("ref"), match.group("res"), match.group("type")
        letter = ref[0]
        if board.sequence is None or not board.sequence.name.startswith(letter):
            board.groups[letter] = board.groups.get(letter, 0) + 1
            board.sequence = report.root.add_sequence(f"{letter}-Group{board.groups[letter]}")
        value = match.group("val")
        if value is None and kind in _SOURCE_SETTINGS:
            return
        name = f"{ref}({kind})" if kind else ref
        status = {"=": "P", "#": "D"}.get(result, "F")
        step: Step
        if value is None:
            step = board.sequence.add_pass_fail(name, status != "F")
        else:
            prefix = self._prefix(match.group("vp"))
            step = board.sequence.add_numeric(
                name,
                self._number(value, prefix, prefix),
                low=self._limit(match, "lo", "lp", prefix),
                high=self._limit(match, "hi", "hp", prefix),
                unit=_SYMBOLS[prefix] + _TYPE_UNITS.get(kind, f"({kind})" if kind else ""),
                status="F" if status == "F" else "P",
            )
        step.status = status
        if status == "F" and kind in _TYPE_TEXTS:
            step.error_message = _TYPE_TEXTS[kind]
        if match.group("msg").strip():
            step.report_text = match.group("msg").strip()
        board.steps += 1

    def _prefix(self, text: str) -> str:
        if text not in _PREFIXES:
            raise ValueError(f"unknown unit prefix {text!r} (expected P, N, U, M, K or MEG)")
        return text

    def _limit(self, match: re.Match[str], number: str, prefix: str, target: str) -> float | None:
        text = match.group(number)
        return (
            None if text is None else self._number(text, self._prefix(match.group(prefix)), target)
        )

    def _number(self, text: str, prefix: str, target: str) -> float:
        """`text` (with unit prefix `prefix`) expressed in prefix `target`."""
        parsed = decimal(text)
        if parsed is None:
            raise ValueError(f"expected a number, got {text!r}")
        return shifted(parsed, _PREFIXES[prefix] - _PREFIXES[target])

    def _emit(
        self,
        source: Source,
        board: _Board,
        program: tuple[str, str] | None,
        event: str | None,
        end: datetime | None,
        index: int,
    ) -> Iterator[UUTReport]:
        """The finished board's report, unless the run was aborted before any test."""
        result = _EVENTS.get(event) if event is not None else None
        if board.steps == 0 and result == "T":
            return  # aborted before the first test: the reference drops these too
        report = self._report(board, source, program)
        report.id = source.report_id(index)
        uut = report.uut
        assert uut is not None
        if board.socket is not None:
            uut.test_socket_index = board.socket
        if end is not None:
            uut.exec_time = max((end - board.start).total_seconds(), 0.0)
        computed = report.propagate_failures()
        if event is None:
            # No event line: the log ends (or the next board starts) before this board's result.
            report.result = "F" if computed == "F" else "T"
            uut.comment = "The log has no result line for this board (the run was cut off)."
        elif result is not None:
            report.result = result
        yield checked(report, source, f"line {board.line}")
