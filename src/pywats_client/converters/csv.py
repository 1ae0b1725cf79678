"""Generic CSV → WATS UUT reports, driven by a column mapping in the converter parameters.

Two layouts (`layout`):

- `step_per_row`: every row is one step; consecutive rows with the same serial number (and
  start) make one report. Columns: step name, value, low/high limit, unit, operator, status,
  and optionally a sequence name that groups consecutive steps into a sequence call.
- `unit_per_row`: every row is one report; every column that is not a header column is a
  measurement. A header `Vout [V]` names the step `Vout` with unit `V`; the columns
  `Vout Low` and `Vout High` (suffixes configurable) hold its limits.

Header columns (both layouts): serial number (required), part number, revision, operation
code, start time (required; ISO 8601 or `start_format`), operator, station, result. Values the
file lacks come from the site parameters. Column names are matched case-insensitively; an
optional column that the file does not have is simply not used. The documented example is in
`docs/converters.md` and `examples/converters/`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from pywats.report import SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    checked,
    localize,
    parse_iso,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import Parameter

__all__ = ["CsvConverter"]


def _column(name: str, default: str, what: str) -> Parameter:
    return Parameter(f"{name}_column", str, default, f"Column holding {what}.")


PARAMETERS: tuple[Parameter, ...] = (
    *WITH_TIMEZONE,
    Parameter(
        "layout",
        str,
        "step_per_row",
        "One step per row, or one unit per row.",
        choices=("step_per_row", "unit_per_row"),
    ),
    Parameter(
        "delimiter",
        str,
        ",",
        "Field separator: one character, or 'tab'.",
        check=lambda v: (
            None if v == "tab" or len(str(v)) == 1 else "expected one character or 'tab'"
        ),
    ),
    Parameter("skip_lines", int, 0, "Lines before the header row to ignore."),
    Parameter("start_format", str, "", "strptime format of the start column; empty: ISO 8601."),
    _column("serial_number", "SerialNumber", "the serial number (required)"),
    _column("part_number", "PartNumber", "the part number"),
    _column("revision", "Revision", "the part revision"),
    _column("operation_code", "OperationCode", "the test operation code"),
    _column("start", "Start", "the start time (required)"),
    _column("operator", "Operator", "the operator name"),
    _column("station", "Station", "the station name"),
    _column("result", "Result", "the unit result (P/F/E/T or Passed/Failed/...)"),
    _column("sequence", "Sequence", "a sequence name grouping steps (step_per_row)"),
    _column("step_name", "Step", "the step name (step_per_row)"),
    _column("value", "Value", "the measured value (step_per_row)"),
    _column("low", "Low", "the low limit, or the only limit (step_per_row)"),
    _column("high", "High", "the high limit (step_per_row)"),
    _column("unit", "Unit", "the unit (step_per_row)"),
    _column("comp", "Comp", "the WATS comparison operator (step_per_row)"),
    _column("status", "Status", "the step status (step_per_row)"),
    Parameter("low_suffix", str, " Low", "unit_per_row: suffix of a measurement's low column."),
    Parameter("high_suffix", str, " High", "unit_per_row: suffix of a measurement's high column."),
)

_STATUS = {
    "p": "P", "passed": "P", "pass": "P", "ok": "P", "f": "F", "failed": "F", "fail": "F",
    "s": "S", "skipped": "S", "e": "E", "error": "E", "t": "T", "terminated": "T", "d": "D",
    "done": "D",
}  # fmt: skip
_STRING_OPS = {"CASESENSIT", "IGNORECASE"}
_UNIT_IN_HEADER = re.compile(r"^(.*?)\s*\[([^\]]*)\]\s*$")


class _LineError(ValueError):
    """A problem in one row of a multi-row report; `line` is that row's line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]  # lower-cased header -> cell text


class CsvConverter(Converter):
    """A CSV file whose columns the parameters map onto report headers and steps."""

    name = "csv"
    description = "Generic CSV with a configurable column mapping"
    patterns = ("*.csv",)
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        titles, rows = self._read(source)
        serial = self._required_column("serial_number", titles, source)
        self._required_column("start", titles, source)
        groups: list[list[_Row]] = []
        if self.values["layout"] == "unit_per_row":
            groups = [[row] for row in rows]
        else:
            self._required_column("step_name", titles, source)
            self._required_column("value", titles, source)
            start = self._name("start")
            for row in rows:
                same = groups and all(
                    groups[-1][0].cells.get(c) == row.cells.get(c) for c in (serial, start)
                )
                if same:
                    groups[-1].append(row)
                else:
                    groups.append([row])
        if not groups:
            raise source.error(
                "the file has a header but no data rows", f"line {self._first_line()}"
            )
        reports = []
        for index, group in enumerate(groups):
            where = f"line {group[0].line}"
            try:
                report = self._report(source, index, group, titles)
            except _LineError as exc:
                raise source.error(str(exc), f"line {exc.line}") from None
            except ValueError as exc:
                raise source.error(str(exc), where) from None
            reports.append(checked(report, source, where))
        return reports

    def _first_line(self) -> int:
        return int(self.values["skip_lines"] or 0) + 1

    def _name(self, key: str) -> str:
        return str(self.values[f"{key}_column"]).strip().lower()

    def _required_column(self, key: str, titles: list[str], source: Source) -> str:
        name = self._name(key)
        if name not in (title.lower() for title in titles):
            raise source.error(
                f"no column {self.values[f'{key}_column']!r} (parameter '{key}_column'); the "
                f"header has: {', '.join(titles)}",
                f"line {self._first_line()}",
            )
        return name

    def _read(self, source: Source) -> tuple[list[str], list[_Row]]:
        text = self.text(source)
        delimiter = "\t" if self.values["delimiter"] == "tab" else str(self.values["delimiter"])
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        skip = int(self.values["skip_lines"] or 0)
        try:
            lines = iter(reader)
            for _ in range(skip):
                next(lines, None)
            titles = [cell.strip() for cell in next(lines, [])]
            header = [title.lower() for title in titles]
            if not any(header):
                raise source.error("expected a header row", f"line {skip + 1}")
            rows = []
            for cells in lines:
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(header):
                    raise source.error(
                        f"{len(cells)} fields but the header has {len(header)}",
                        f"line {reader.line_num}",
                    )
                rows.append(_Row(reader.line_num, dict(zip(header, cells, strict=False))))
        except csv.Error as exc:
            raise source.error(f"malformed CSV ({exc})", f"line {reader.line_num}") from None
        return titles, rows

    def _cell(self, row: _Row, key: str) -> str | None:
        value = row.cells.get(self._name(key), "").strip()
        return value or None

    def _report(self, source: Source, index: int, rows: list[_Row], titles: list[str]) -> UUTReport:
        first = rows[0]
        code_text = self._cell(first, "operation_code")
        identity = unit_identity(
            source,
            self.defaults,
            part_number=self._cell(first, "part_number"),
            revision=self._cell(first, "revision"),
            process_code=self._integer(code_text, "operation_code") if code_text else None,
            where=f"line {first.line}",
        )
        serial = self._cell(first, "serial_number")
        if not serial:
            raise ValueError(f"column {self.values['serial_number_column']!r} is empty")
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(
                self._cell(first, "station"), self.defaults.station_name, source
            ),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=self._cell(first, "operator") or self.defaults.operator,
            start=self._start(self._cell(first, "start")),
            sequence_name=source.path.name,
        )
        if self.values["layout"] == "unit_per_row":
            self._unit_row(report.root, first, titles)
        else:
            self._step_rows(report.root, rows)
        result = self._cell(first, "result")
        report.propagate_failures()
        if result is not None:
            status = _STATUS.get(result.lower())
            if status is None or status in ("S", "D"):
                raise ValueError(f"result {result!r} is not one of P, F, E, T (or Passed, ...)")
            report.result = status
        return report

    def _integer(self, text: str, key: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(
                f"column {self.values[f'{key}_column']!r}: expected a whole number, got {text!r}"
            ) from None

    def _number(self, text: str, what: str) -> float:
        number = _parse_number(text, self.defaults.decimal_comma)
        if number is None:
            raise ValueError(f"{what}: expected a number, got {text!r}")
        return number

    def _is_number(self, text: str) -> bool:
        return _parse_number(text, self.defaults.decimal_comma) is not None

    def _start(self, text: str | None) -> datetime:
        if not text:
            raise ValueError(f"column {self.values['start_column']!r} is empty")
        form = str(self.values["start_format"])
        try:
            moment = datetime.strptime(text, form) if form else parse_iso(text)
            if moment is None:
                raise ValueError(text)
            return localize(moment, zone_from_name(str(self.values["timezone"])))
        except ValueError:
            expected = f"format {form!r}" if form else "ISO 8601 (2026-03-02T08:15:30)"
            raise ValueError(f"start {text!r} does not match {expected}") from None

    def _step_rows(self, root: SequenceCall, rows: list[_Row]) -> None:
        sequence, sequence_name = root, None
        for row in rows:
            name = self._cell(row, "sequence")
            if name != sequence_name:
                sequence = root.add_sequence(name) if name else root
                sequence_name = name
            try:
                self._step(sequence, row)
            except ValueError as exc:
                raise _LineError(str(exc), row.line) from None

    def _step(self, sequence: SequenceCall, row: _Row) -> None:
        name = self._cell(row, "step_name") or ""
        value = self._cell(row, "value") or ""
        low, high = self._cell(row, "low"), self._cell(row, "high")
        comp = (self._cell(row, "comp") or "").upper() or None
        status_text = self._cell(row, "status")
        status = _STATUS.get(status_text.lower()) if status_text else None
        if status_text and status is None:
            raise ValueError(f"status {status_text!r} is not a step status (P, F, S, E, T, D)")
        measured = None if status is None else ("F" if status == "F" else "P")
        step: Step
        if comp in _STRING_OPS or (comp == "LOG" and not self._is_number(value)):
            step = sequence.add_string(name, value, limit=low, comp=comp, status=measured)
        elif comp is None and value.upper() in ("PASS", "FAIL", "TRUE", "FALSE"):
            step = sequence.add_pass_fail(name, value.upper() in ("PASS", "TRUE"))
        elif comp is None and not self._is_number(value) and not (low or high):
            step = sequence.add_string(name, value, comp="LOG", status=measured)
        else:
            step = sequence.add_numeric(
                name,
                self._number(value, f"column {self.values['value_column']!r}"),
                low=self._number(low, "low limit") if low else None,
                high=self._number(high, "high limit") if high else None,
                comp=comp,
                unit=self._cell(row, "unit"),
                status=measured,
            )
        if status is not None:
            step.status = status

    def _unit_row(self, root: SequenceCall, row: _Row, titles: list[str]) -> None:
        used = {self._name(k) for k in ("serial_number", "part_number", "revision",
                                          "operation_code", "start", "operator", "station",
                                          "result")}  # fmt: skip
        low_suffix = str(self.values["low_suffix"]).lower()
        high_suffix = str(self.values["high_suffix"]).lower()
        for column in _measurements(titles, used, low_suffix, high_suffix):
            text = row.cells.get(column.key, "").strip()
            if not text:
                continue
            low = row.cells.get(column.base + low_suffix, "").strip()
            high = row.cells.get(column.base + high_suffix, "").strip()
            if self._is_number(text):
                root.add_numeric(
                    column.name,
                    self._number(text, f"column {column.name!r}"),
                    low=self._number(low, f"column {column.name + low_suffix!r}") if low else None,
                    high=self._number(high, f"column {column.name + high_suffix!r}")
                    if high
                    else None,
                    unit=column.unit,
                )
            else:
                root.add_string(column.name, text, limit=low or None)


@dataclass(frozen=True)
class _Measurement:
    key: str  # the lower-cased header cell
    base: str  # lower-cased name without the unit, for finding the limit columns
    name: str
    unit: str | None


def _measurements(titles: list[str], used: set[str], low: str, high: str) -> Iterator[_Measurement]:
    """The measurement columns of a unit_per_row file: every column not used otherwise."""
    for title in titles:
        key = title.lower()
        if not key or key in used or key.endswith(low) or key.endswith(high):
            continue
        match = _UNIT_IN_HEADER.match(title)
        name, unit = (match.group(1), match.group(2) or None) if match else (title, None)
        yield _Measurement(key, name.lower(), name, unit)


def _parse_number(text: str, decimal_comma: bool) -> float | None:
    try:
        return float(text.replace(",", ".") if decimal_comma else text)
    except ValueError:
        return None
