"""Keysight (Agilent) Medalist i3070 log records → one WATS UUT report per `@BTEST` board record.

The `@BATCH` header (part number, revision, controller) applies to every board after it. Each
analog record (`@A-RES` …) becomes a numeric step named after its `@BLOCK`, limits from its
`@LIM2`/`@LIM3` subrecord (GELE), or a log-only measurement when it was logged without limits;
records with a subtest name (`B-E`, `B-C`) share one multi-numeric step per block. Shorts, pins,
boundary-scan, digital and TestJet records become multi-numeric steps of counts. Statuses are the
tester's own; the report result is the `@BTEST` verdict. Mapping in docs/converters.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from math import floor, log10

from pywats.report import MultiNumericLimitStep, SequenceCall, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._i3070_records import Close, Open, RecordError, records
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

__all__ = ["I3070Converter"]

PARAMETERS: tuple[Parameter, ...] = (
    *ict_parameters(operation_code=10),
    Parameter(
        "unit_prefixes",
        bool,
        True,
        "Scale each analog result to an engineering prefix chosen from its low limit (kΩ, µF); "
        "off keeps base units.",
    ),
    Parameter(
        "log_without_limits",
        bool,
        True,
        "Keep analog results logged without limits as log-only measurements (the reference "
        "converter drops them).",
    ),
)

# Base units by record prefix (Agilent's log record chapter); other analog records have none.
_UNITS = {
    "@A-CAP": "F", "@A-DIO": "V", "@A-FUS": "A", "@A-IND": "H", "@A-JUM": "Ω", "@A-POT": "Ω",
    "@A-RES": "Ω", "@A-ZEN": "V",
}  # fmt: skip
_PREFIXES = {-15: "f", -12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G",
             12: "T", 15: "P"}  # fmt: skip
_ANALOG = re.compile(r"@A-[A-Z]{3}$")
_BOARD = re.compile(r"^(\d+)%")
# Count records: measurement names for their count fields (1-based field numbers), the status
# field, the designator field and the status codes that mean "passed".
_COUNTS: dict[str, tuple[tuple[tuple[str, int], ...], int, int, frozenset[str]]] = {
    "@TS": ((("Shorts count", 2), ("Opens count", 3), ("Phantoms count", 4)), 1, 5,
            frozenset({"0", "00", "20"})),
    "@PF": ((("Failing pins", 3),), 2, 1, frozenset({"0", "00"})),
    "@BS-CON": ((("Shorts count", 3), ("Opens count", 4)), 2, 1, frozenset({"0", "00"})),
    "@D-T": ((("Failing pin count", 4), ("Test substatus", 2), ("Failing vector number", 3)),
             1, 5, frozenset({"0", "00"})),
    "@TJET": ((("Failing pin count", 2),), 1, 3, frozenset({"0", "00"})),
}  # fmt: skip
# @BTEST verdicts other than pass/fail (Agilent's status codes).
_VERDICTS = {"80": "E", "81": "T", "82": "T"}
_NOT_TESTED = "13"  # a board of a panel that was X'd out: no test, no report


def _passed(status: str) -> bool:
    return status.strip() in ("0", "00")


@dataclass
class _Board:
    """The report of the `@BTEST` being read and where its next steps go."""

    report: UUTReport
    verdict: str
    record: Open
    group: str = ""
    sequence: SequenceCall | None = None
    block: str = ""
    named: MultiNumericLimitStep | None = None
    socket: int | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class _Analog:
    """An analog record waiting for its limit subrecord."""

    record: Open
    low: str | None = None
    high: str | None = None


class I3070Converter(Converter):
    """Keysight i3070 log records → one report per board record."""

    name = "i3070"
    description = "Keysight (Agilent) Medalist i3070 in-circuit test log records"
    patterns = ("*.log", "*")
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        return list(self.iter_reports(source))

    def iter_reports(self, source: Source) -> Iterator[UUTReport]:
        """Yield each board's report as its record closes; raises ConversionError naming the
        line. Only one board is held in memory at a time."""
        lines = text_lines(source, self.defaults.encoding, blank=True)
        batch: Open | None = None
        board: _Board | None = None
        analog: _Analog | None = None
        count = 0
        event: Open | Close | None = None
        try:
            for event in records(lines):
                if isinstance(event, Close):
                    record = event.record
                    if analog is not None and record is analog.record:
                        assert board is not None
                        self._analog(board, analog)
                        analog = None
                    elif record.prefix == "@BTEST" and board is not None:
                        yield self._finish(source, board)
                        board = None
                    continue
                prefix = event.prefix
                if prefix == "@BATCH":
                    batch = event
                elif prefix == "@BTEST":
                    if board is not None:
                        raise ValueError("a @BTEST record inside another @BTEST record")
                    if event.text(2).strip() != _NOT_TESTED:
                        board = self._board(source, batch, event, count)
                        count += 1
                elif board is None:
                    continue  # records of an X'd-out board, or outside any board
                elif prefix in ("@LIM2", "@LIM3"):
                    if analog is None or event.parent != analog.record.prefix:
                        raise ValueError(f"{prefix} outside an analog (@A-…) record")
                    first = 1 if prefix == "@LIM2" else 2  # @LIM3 starts with the nominal
                    analog.high = event.text(first).strip() or None
                    analog.low = event.text(first + 1).strip() or None
                elif _ANALOG.match(prefix):
                    analog = _Analog(event)
                elif prefix == "@BLOCK":
                    board.block, board.named = self._designator(board, event.text(1)), None
                elif prefix in _COUNTS:
                    self._counts(board, event)
                elif prefix == "@RPT" and event.text(1).strip():
                    board.texts.append(event.text(1).strip())
        except RecordError as exc:
            raise source.error(str(exc), f"line {exc.line}") from None
        except ValueError as exc:
            line = event.line if event is not None else 1
            raise source.error(str(exc), f"line {line}") from None

    def _board(self, source: Source, batch: Open | None, record: Open, index: int) -> _Board:
        def header(number: int) -> str | None:
            return (batch.text(number).strip() or None) if batch is not None else None

        serial = record.text(1).strip()
        if not serial:
            raise ValueError("the @BTEST record has no board id (serial number)")
        identity = unit_identity(
            source,
            self.defaults,
            part_number=header(14) or header(1),
            revision=header(11),
            process_code=None,
            where=f"line {record.line}",
        )
        duration = record.text(4).strip()
        if not duration.isdigit():
            raise ValueError(f"@BTEST duration: expected whole seconds, got {duration!r}")
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(header(9), self.defaults.station_name, source),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=header(8) or self.defaults.operator,
            start=self._time(record.text(3), "start"),
            sequence_name=header(10) or "i3070 testplan",
            sequence_version=header(11) or "",
            fixture_id=header(3),
            exec_time=float(int(duration)),
        )
        for label, number in (("Process step", 6), ("Batch id", 7)):
            if header(number):
                report.add_misc_info(label, header(number))
        if record.text(12).strip():
            report.add_misc_info("Board number", record.text(12).strip())
        if record.text(13).strip():
            report.add_misc_info("Parent panel id", record.text(13).strip())
        status = record.text(2).strip()
        if not status.isdigit():
            raise ValueError(f"@BTEST test status: expected a number, got {status!r}")
        verdict = "P" if _passed(status) else _VERDICTS.get(status.lstrip("0"), "F")
        return _Board(report, verdict, record)

    def _time(self, text: str, what: str) -> datetime:
        digits = text.strip()
        try:
            if len(digits) != 12 or not digits.isdigit():
                raise ValueError
            moment = datetime.strptime(digits[2:], "%m%d%H%M%S").replace(
                year=expand_year(int(digits[:2]))
            )
        except ValueError:
            raise ValueError(f"@BTEST {what}: expected yyMMddHHmmss, got {text!r}") from None
        return localize(moment, zone_from_name(str(self.values["timezone"])))

    def _finish(self, source: Source, board: _Board) -> UUTReport:
        report = board.report
        if board.socket is not None and report.uut is not None:
            report.uut.test_socket_index = board.socket
        if board.texts and report.uut is not None:
            report.uut.comment = "\n".join(board.texts)[:1000]
        report.propagate_failures()
        if board.verdict == "P" and report.uut is not None:
            # A failure the tester retested into a pass did not fail the board.
            report.uut.step_id_caused_uut_failure = None
            for step in report.steps():
                step.caused_uut_failure = False
        report.result = board.verdict
        return checked(report, source, f"line {board.record.line}")

    def _designator(self, board: _Board, text: str) -> str:
        """The step name of a designator: a leading board number `2%` is the panel position,
        further `%` separate name parts."""
        match = _BOARD.match(text)
        if match:
            board.socket = int(match.group(1))
            text = text[match.end() :]
        return text.replace("%", " ").strip()

    def _sequence(self, board: _Board, prefix: str) -> SequenceCall:
        group = prefix.lstrip("@")
        if board.sequence is None or group != board.group:
            board.sequence = board.report.root.add_sequence(group)
            board.group, board.named = group, None
        return board.sequence

    def _scale(self, prefix: str, basis: float) -> tuple[int, str | None]:
        """Power of ten to divide by and the unit text, chosen from `basis` (the low limit,
        else the value)."""
        unit = _UNITS.get(prefix)
        if unit is None:
            return 0, None
        if not self.values["unit_prefixes"]:
            return 0, unit
        if basis == 0 or basis != basis or basis in (float("inf"), float("-inf")):
            return 0, unit
        exponent = 3 * round(floor(log10(abs(basis))) / 3)
        if exponent not in _PREFIXES:
            return 0, unit
        return exponent, _PREFIXES[exponent] + unit

    def _analog(self, board: _Board, analog: _Analog) -> None:
        record = analog.record
        limited = analog.low is not None or analog.high is not None
        if not limited and not self.values["log_without_limits"]:
            return
        value = self._number(record, "value", record.text(2))
        low = self._number(record, "low limit", analog.low)
        high = self._number(record, "high limit", analog.high)
        assert value is not None
        basis = float(low) if low is not None else float(value)
        exponent, unit = self._scale(record.prefix, basis)
        status = "P" if _passed(record.text(1)) else "F"
        sequence = self._sequence(board, record.prefix)
        name = board.block or record.prefix.lstrip("@")
        measured = shifted(value, -exponent)
        scaled_low = shifted(low, -exponent) if low is not None else None
        scaled_high = shifted(high, -exponent) if high is not None else None
        # No `comp`: both limits GELE, one GE or LE, none LOG.
        subtest = record.text(3).strip()
        if not subtest:
            board.named = None
            sequence.add_numeric(
                name, measured, low=scaled_low, high=scaled_high, unit=unit, status=status
            )
            return
        step = board.named
        if step is None or any(m.name == subtest for m in step.measurements):
            step = board.named = sequence.add_multi_numeric(name)
        step.add_measurement(
            subtest, measured, low=scaled_low, high=scaled_high, unit=unit, status=status
        )

    def _number(self, record: Open, what: str, text: str | None) -> Decimal | None:
        if text is None:
            return None
        number = decimal(text, self.defaults.decimal_comma)
        if number is None:
            raise ValueError(f"{record.prefix} {what}: expected a number, got {text!r}")
        return number

    def _counts(self, board: _Board, record: Open) -> None:
        counts, status_field, name_field, passing = _COUNTS[record.prefix]
        sequence = self._sequence(board, record.prefix)
        board.named = None
        name = self._designator(board, record.text(name_field)) or record.prefix.lstrip("@")
        step = sequence.add_multi_numeric(name)
        for label, number in counts:
            text = record.text(number).strip() or "0"
            if not text.isdigit():
                raise ValueError(f"{record.prefix} {label}: expected a whole number, got {text!r}")
            step.add_measurement(label, float(int(text)), comp="LOG", status="P")
        status = record.text(status_field).strip()
        if not status.isdigit():
            raise ValueError(f"{record.prefix} test status: expected a number, got {status!r}")
        verdict = "P" if status in passing else "F"
        step.add_measurement("Test status", float(int(status)), comp="LOG", status=verdict)
