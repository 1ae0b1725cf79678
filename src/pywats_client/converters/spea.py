"""SPEA 3030 ICT CSV → one WATS UUT report per test run (START … END record).

Every line is `KIND;field;…` (no quoting). `ANL` (analog / in-circuit) and `FUNC` (functional)
lines are steps, grouped into a sequence per component type (R → Resistors, C → Capacitors, …)
for each run of consecutive lines of one type. A step's status is the tester's Result column, the
report's result the END line; nothing is recomputed from the printed values. The file has no
part number and no revision: both are converter parameters. Mapping: docs/converters.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from pywats.report import SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._ict import (
    Header,
    Limits,
    LineError,
    add_measured,
    finish,
    new_report,
    number,
    text_lines,
    with_defaults,
)
from pywats_client.converters._mapping import WITH_TIMEZONE
from pywats_client.converters._params import Parameter

__all__ = ["SpeaConverter"]

PARAMETERS: tuple[Parameter, ...] = with_defaults(
    WITH_TIMEZONE, required=("part_number", "revision"), encoding="cp1252", operation_code=10
)

_RESULTS = {"PASS": "P", "PASSED": "P", "FAIL": "F", "FAILED": "F", "TERMINATED": "T",
            "UNDETERMINED": "T", "ABORTED": "T", "ERROR": "E"}  # fmt: skip
_SEQUENCES = {
    "R": "Resistors", "RP": "Resistors", "RS": "Resistors", "C": "Capacitors",
    "CS": "Capacitors", "CP": "Capacitors", "DSC": "Capacitors", "L": "Inductors",
    "D": "Diodes", "Q": "Transistors", "CON": "Connectors", "SHO": "Short",
    "TC": "Thermocouple", "PTC": "PTC", "DZ": "ZenerDiodes", "F": "Fuses", "J": "Jumpers",
    "T": "Transformers", "ISO": "Isolators", "U": "ICs",
}  # fmt: skip
_LETTERS = re.compile(r"[A-Za-z]+")
_STEP_FIELDS = 12  # up to Unit; ANL lines carry two more that are not used
# SN comes after the steps; the report is built as the lines arrive and named at END.
_UNNAMED = "-"


@dataclass
class _Run:
    report: UUTReport
    line: int
    start: datetime
    sequence: SequenceCall
    sequence_name: str | None = None
    serial: str = ""


class SpeaConverter(Converter):
    """SPEA 3030 in-circuit tester CSV results."""

    name = "spea"
    description = "SPEA 3030 ICT CSV (ANL and FUNC results)"
    patterns = ("*.csv",)
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        return list(self.iter_reports(source))

    def iter_reports(self, source: Source) -> Iterator[UUTReport]:
        """Yield one report per record as the file is read; raises ConversionError naming the
        line. When the iteration raises, the file as a whole has failed."""
        try:
            yield from self._records(source)
        except LineError as exc:
            raise source.error(str(exc), f"line {exc.line}") from None

    def _records(self, source: Source) -> Iterator[UUTReport]:
        run: _Run | None = None
        day_first = False
        index = 0
        last = 0
        for line_number, line in text_lines(source, self.defaults.encoding):
            last = line_number
            fields = line.split(";")
            kind = fields[0].strip().upper()
            if kind == "FORMAT":
                day_first = len(fields) > 1 and fields[1].strip().lower() == "ddmm"
            elif kind == "START":
                if run is not None:
                    raise LineError(
                        f"the run started at line {run.line} has no END line", line_number
                    )
                run = self._start(source, fields, day_first, index, line_number)
            elif run is None:
                raise LineError(
                    f"a {kind or 'blank'} line outside a START … END record", line_number
                )
            elif kind in ("ANL", "FUNC"):
                self._step(run, fields, line_number)
            elif kind == "SN":
                run.serial = ";".join(fields[1:]).strip()
            elif kind == "LOT":
                lot = ";".join(fields[1:]).strip()
                if lot and run.report.uut is not None:
                    run.report.uut.batch_sn = lot
            elif kind == "BOARDRESULT":
                continue  # END carries the verdict that counts
            elif kind == "END":
                yield self._end(source, run, fields, day_first, line_number)
                run, index = None, index + 1
            else:
                raise LineError(
                    f"unknown line kind {kind[:20]!r} (expected FORMAT, START, LOT, ANL, FUNC, SN, "
                    "BOARDRESULT or END)",
                    line_number,
                )
        if run is not None:
            raise LineError(f"the run started at line {run.line} has no END line", run.line)
        if index == 0:
            raise LineError("the file has no START … END record", max(last, 1))

    def _start(
        self, source: Source, fields: list[str], day_first: bool, index: int, line: int
    ) -> _Run:
        if len(fields) < 8:
            raise LineError(f"START needs 8 fields, found {len(fields)}", line)
        start = _moment(fields[6], fields[7], day_first, line)
        header = Header(
            serial_number=_UNNAMED,
            operator=fields[5].strip() or None,
            start=start,
            sequence_name=fields[2].strip() or "MainSequence",
            sequence_version=fields[3].strip(),
        )
        report = new_report(
            source, self.defaults, str(self.values["timezone"]), header, index, line
        )
        return _Run(report, line, start, report.root)

    def _end(
        self, source: Source, run: _Run, fields: list[str], day_first: bool, line: int
    ) -> UUTReport:
        if len(fields) < 4:
            raise LineError(f"END needs 4 fields, found {len(fields)}", line)
        result = _RESULTS.get(fields[1].strip().upper())
        if result is None:
            raise LineError(f"END result {fields[1].strip()!r} is not PASS, FAIL, ABORTED, …", line)
        if not run.serial:
            raise LineError(f"the run started at line {run.line} has no SN line", line)
        report = run.report
        report.serial_number = run.serial
        seconds = (_moment(fields[2], fields[3], day_first, line) - run.start).total_seconds()
        if report.uut is not None:
            report.uut.exec_time = seconds
        report.propagate_failures()
        report.result = result
        return finish(report, source, run.line)

    def _number(self, text: str, what: str, line: int) -> float | None:
        """A value or limit; None when the field is empty."""
        cleaned = text.strip()
        if not cleaned:
            return None
        if self.defaults.decimal_comma:
            cleaned = cleaned.replace(",", ".")
        found = number(cleaned)
        if found is None:
            raise LineError(f"{what} {text.strip()!r} is not a number", line)
        return found

    def _step(self, run: _Run, fields: list[str], line: int) -> None:
        if len(fields) < _STEP_FIELDS:
            raise LineError(
                f"{fields[0]} needs at least {_STEP_FIELDS} fields, found {len(fields)}", line
            )
        reference, name, result = fields[2].strip(), fields[5], fields[7].strip()
        status = "P" if result.upper().startswith("PASS") else "F"
        sequence_name = _sequence_name(reference)
        if sequence_name != run.sequence_name:
            run.sequence = run.report.root.add_sequence(sequence_name)
            run.sequence_name = sequence_name
        meas_text = fields[8].strip()
        step: Step
        if meas_text.lower() == "automatic":
            # An automatic short/float scan: the tester logs no value, only its verdict.
            step = run.sequence.add_pass_fail(name, status == "P")
        else:
            value = self._number(meas_text, "Meas", line)
            low = self._number(fields[9], "LoLim", line)
            high = self._number(fields[10], "HiLim", line)
            if value == 0 and low == 0 and high == 0:
                step = run.sequence.add_pass_fail(name, status == "P")
            else:
                unit = fields[11].strip()
                measured = math.nan if value is None else value
                step = add_measured(run.sequence, name, measured, _limits(low, high), unit, status)
        step.status = status


def _moment(date: str, time: str, day_first: bool, line: int) -> datetime:
    form = "%d/%m/%Y %H:%M:%S" if day_first else "%m/%d/%Y %H:%M:%S"
    text = f"{date.strip()} {time.strip()}"
    try:
        return datetime.strptime(text, form)
    except ValueError:
        order = "dd/MM/yyyy" if day_first else "MM/dd/yyyy"
        raise LineError(f"date and time {text!r} are not {order};HH:mm:ss", line) from None


def _limits(low: float | None, high: float | None) -> Limits:
    """Both limits → GELE (0 is a limit too); a 0 opposite a larger low limit is the tester's
    "no high limit" (FUNC lines: low 1, high 0); one limit → GE or LE; none → LOG."""
    if low is not None and high is not None and high == 0 and low > 0:
        high = None
    if low is not None and high is not None:
        return Limits("GELE", low, high)
    if low is not None:
        return Limits("GE", low)
    if high is not None:
        return Limits("LE", high)
    return Limits("LOG")


def _sequence_name(reference: str) -> str:
    """The component family of a StepRef: its first run of letters, by the tester's naming
    (`R562` → Resistors, `DSC-CP[C109]` → Capacitors), else the letters or the whole text."""
    letters = _LETTERS.search(reference)
    if letters is None:
        return reference or "Steps"
    return _SEQUENCES.get(letters[0], letters[0])
