"""Klippel QC result sets → one UUT report per set.

A set is a main log file (`DUT <serial> <date> <time> UTC<offset>.txt`, `Key=Value` lines and
`//` comments) and its companion folder of the same name without `.txt`, holding one
TAB-separated table per result: `<Task>-<result>.txt`. Files are read in name order; each task
is a sequence. A `values` table (header `name value max min`) gives one numeric step per row; a
curve table (header `frq <name> max [min]`, columns found by name) gives a chart step with the
curve and its limit curves plus the statistics avg, min, max and OutOfBounds. The result is
Klippel's overall verdict (1 passes, every other code fails).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pywats.report import ChartSeries, SequenceCall, UUTReport
from pywats_client.converters._base import ConversionError, Converter, Source
from pywats_client.converters._mapping import checked, station_name, unit_identity
from pywats_client.converters._params import COMMON_PARAMETERS, Parameter

__all__ = ["KlippelConverter"]

PARAMETERS: tuple[Parameter, ...] = (
    *(p for p in COMMON_PARAMETERS if p.name != "decimal_comma"),  # Klippel writes 3.14
    Parameter("sequence_name", str, "SequenceName1", "Sequence name written as the root's path."),
    Parameter("sequence_version", str, "1.0.0", "Sequence version written on the root."),
)

# year-month-week-dayOfYear-weekday-day-hour-minute-second-millisecond-offsetMinutes-epoch
_START = re.compile(r"^(\d{4})-(\d{1,2})-\d+-\d+-\d+-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,2})-"
                    r"(\d{1,3})-(-?\d{1,4})-\S*$")  # fmt: skip
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")
_NO_VALUE = ("", "-")
_REQUIRED = ("Cfg_SerialNumber", "Cfg_DutStartTime", "Ctrl_OverallVerdict")


class _At(ValueError):
    """A problem at a place in the set (`dut.txt line 3`, `dut/Impedance-imp.txt line 7`)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


class KlippelConverter(Converter):
    """A Klippel QC main log file and its companion folder of result tables → one UUT report."""

    name = "klippel"
    description = "Klippel QC log: main file plus its folder of curve and value tables"
    patterns = ("DUT*.txt",)
    parameters = PARAMETERS

    @classmethod
    def companion(cls, path: Path) -> Path | None:
        """The folder of the same name without `.txt`."""
        return path.with_suffix("") if path.suffix.lower() == ".txt" else None

    def convert(self, source: Source) -> list[UUTReport]:
        try:
            report = self._report(source)
        except _At as exc:
            raise source.error(str(exc), exc.where) from None
        return [checked(report, source, source.path.name)]

    def _report(self, source: Source) -> UUTReport:
        keys = _keys(self.text(source), source.path.name)
        missing = [key for key in _REQUIRED if not keys.get(key, (0, ""))[1]]
        if missing:
            raise _At(source.path.name, f"no value for {', '.join(missing)}")
        verdict_line, verdict = keys["Ctrl_OverallVerdict"]
        if not re.fullmatch(r"-?\d+", verdict):
            raise _At(
                f"{source.path.name} line {verdict_line}",
                f"Ctrl_OverallVerdict {verdict!r}: expected a verdict code (-1 … 4)",
            )
        identity = unit_identity(
            source, self.defaults, part_number=None, revision=None, process_code=None,
            where=source.path.name,
        )  # fmt: skip
        where = f"{source.path.name} line {keys['Cfg_SerialNumber'][0]}"
        try:
            report = UUTReport.new(
                id=source.report_id(0),
                part_number=identity.part_number,
                serial_number=keys["Cfg_SerialNumber"][1],
                revision=identity.revision,
                process_code=identity.process_code,
                station_name=station_name(
                    keys.get("Cfg_PCName", (0, ""))[1], self.defaults.station_name, source
                ),
                location=source.station.location,
                purpose=source.station.purpose,
                operator=keys.get("Cfg_UserName", (0, ""))[1] or self.defaults.operator,
                start=_start(keys["Cfg_DutStartTime"], source.path.name),
                sequence_path=str(self.values["sequence_name"]),
                sequence_version=str(self.values["sequence_version"]),
            )
        except ValueError as exc:
            raise _At(where, str(exc)) from None
        for key in ("Cfg_LoginMode", "Cfg_Speaker"):
            if keys.get(key, (0, ""))[1]:
                report.add_misc_info(key, keys[key][1])
        report.add_misc_info("FileName", source.path.name)
        self._tables(report.root, source)
        report.propagate_failures()
        report.result = "P" if int(verdict) == 1 else "F"
        return report

    def _tables(self, root: SequenceCall, source: Source) -> None:
        folder = self.companion(source.path)
        if source.companions is None or folder is None:
            raise _At(
                source.path.name,
                f"the result folder '{folder.name if folder else source.path.stem}' beside the "
                "file does not exist (a Klippel log is the file plus its folder)",
            )
        names = sorted(
            (n for n in source.companions if "/" not in n and n.lower().endswith(".txt")),
            key=lambda n: (n.lower(), n),
        )
        task, sequence = None, root
        for name in names:
            this_task = name[:-4].split("-", 1)[0]
            if this_task != task:
                task, sequence = this_task, root.add_sequence(this_task)
            text = self._decode(source, source.companions[name], f"{folder.name}/{name}")
            _table(sequence, text, f"{folder.name}/{name}")

    def _decode(self, source: Source, data: bytes, where: str) -> str:
        try:
            return Source(source.path, data, source.station).text(self.defaults.encoding)
        except ConversionError as exc:
            raise _At(f"{where} {exc.where}", exc.reason) from None


def _keys(text: str, name: str) -> dict[str, tuple[int, str]]:
    """`Key=Value` lines (split at the first `=`; the last of a repeated key wins) with their
    line numbers; `//` comments and blank lines skipped."""
    keys: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        key, equals, value = line.partition("=")
        if not equals or not key.strip():
            raise _At(f"{name} line {number}", f"expected Key=Value or a // comment, got {line!r}")
        keys[key.strip()] = (number, value.strip())
    return keys


def _start(entry: tuple[int, str], name: str) -> datetime:
    number, text = entry
    match = _START.match(text)
    where = f"{name} line {number}"
    if not match:
        raise _At(where, f"Cfg_DutStartTime {text!r}: expected SciLab getdate() fields joined by -")
    year, month, day, hour, minute, second, millis, offset = (int(g) for g in match.groups())
    try:
        zone = timezone(timedelta(minutes=offset))
        return datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=zone)
    except ValueError as exc:
        raise _At(where, f"Cfg_DutStartTime {text!r}: {exc}") from None


def _number(text: str, where: str) -> float:
    """A cell as a number; `-` or empty (no value) is NaN."""
    cell = text.strip()
    if cell in _NO_VALUE:
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if value - value == 0.0 and "_" not in cell:  # finite: the common case, kept fast
        return value
    if not _NUMBER.match(cell):
        raise _At(where, f"expected a number or '-', got {cell!r}")
    value = float(cell)
    if math.isinf(value):
        raise _At(where, f"number {cell!r} is out of range")
    return value


def _rows(text: str, where: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    lines = [(n, line.rstrip("\r").split("\t")) for n, line in enumerate(text.split("\n"), 1)]
    lines = [(n, cells) for n, cells in lines if any(c.strip() for c in cells)]
    if not lines:
        raise _At(f"{where} line 1", "empty table: expected a header row")
    header = [cell.strip() for cell in lines[0][1]]
    return header, lines[1:]


def _table(sequence: SequenceCall, text: str, where: str) -> None:
    header, rows = _rows(text, where)
    kind = header[0].lower()
    if kind == "name":
        _values(sequence, header, rows, where)
    elif kind == "frq" and len(header) >= 2 and header[1]:
        _curve(sequence, header, rows, where)
    else:
        raise _At(
            f"{where} line 1",
            f"header {header[0]!r}: expected 'name' (single values) or 'frq <result>' (a curve)",
        )


def _columns(header: list[str], known: tuple[str, ...], where: str) -> Mapping[str, int]:
    columns = {cell.lower(): index for index, cell in enumerate(header)}
    unknown = [cell for cell in header[2:] if cell.lower() not in known]
    if unknown:
        raise _At(f"{where} line 1", f"unknown column(s) {', '.join(unknown)}: expected max, min")
    return columns


def _values(
    sequence: SequenceCall, header: list[str], rows: list[tuple[int, list[str]]], where: str
) -> None:
    columns = _columns(header, ("value", "max", "min"), where)
    if "value" not in columns:
        raise _At(f"{where} line 1", "no 'value' column")
    for number, cells in rows:
        here = f"{where} line {number}"
        if len(cells) > len(header):
            raise _At(here, f"{len(cells)} fields but the header has {len(header)}")

        def cell(column: str, cells: list[str] = cells, here: str = here) -> float:
            at = columns.get(column)
            return _number(cells[at] if at is not None and at < len(cells) else "", here)

        name = cells[0].strip()
        if not name:
            raise _At(here, "no result name in the 'name' column")
        high, low = cell("max"), cell("min")
        comp = {(False, False): "GELE", (True, False): "GE", (False, True): "LE"}.get(
            (math.isnan(high), math.isnan(low)), "LOG"
        )
        sequence.add_numeric(
            name,
            cell("value"),
            low=None if math.isnan(low) else low,
            high=None if math.isnan(high) else high,
            comp=comp,
        )


def _curve(
    sequence: SequenceCall, header: list[str], rows: list[tuple[int, list[str]]], where: str
) -> None:
    columns = _columns(header, ("max", "min"), where)
    name = header[1]
    points: list[tuple[float, ...]] = []
    for number, cells in rows:
        if len(cells) == 1:
            continue  # the reference skips one-field rows
        here = f"{where} line {number}"
        if len(cells) != len(header):
            raise _At(here, f"{len(cells)} fields but the header has {len(header)}")
        points.append(tuple(_number(cell, here) for cell in cells))
    if not points:
        raise _At(f"{where} line 1", f"curve {name!r} has no rows")
    x = [p[0] for p in points]
    y = [p[1] for p in points]
    log_x = all(v > 0 for v in x)
    step = sequence.add_chart(
        name,
        chart_type="LineLogX" if log_x else "Line",
        label=name,
        x_label="Frequency",
        x_unit="Hz",
        y_label=name,
        series=[_series("values", x, y)],
    )
    limits = {key: [p[columns[key]] for p in points] for key in ("min", "max") if key in columns}
    for key, values in limits.items():
        step.add_series(key, *_finite(x, values))
    defined = not any(math.isnan(v) for v in y)
    step.add_measurement("avg", sum(y) / len(y) if defined else math.nan, comp="LOG")
    if "min" in limits:
        step.add_measurement("min", min(y) if defined else math.nan, comp="LOG")
    if "max" in limits:
        measured = [v for v in y if not math.isnan(v)]
        step.add_measurement("max", max(measured) if measured else math.nan, comp="LOG")
    outside = sum(
        1
        for key, bound in limits.items()
        for v, b in zip(y, bound, strict=True)
        if not math.isnan(b) and (v > b if key == "max" else v < b)
    )
    step.add_measurement("OutOfBounds", outside, low=1, comp="LT", unit="#")


def _finite(x: list[float], y: list[float]) -> tuple[list[float], list[float]]:
    """The points whose x and y are both numbers (a `-` cell is no point)."""
    pairs = [(a, b) for a, b in zip(x, y, strict=True) if not (math.isnan(a) or math.isnan(b))]
    return [a for a, _ in pairs], [b for _, b in pairs]


def _series(name: str, x: list[float], y: list[float]) -> ChartSeries:
    return ChartSeries.new(name, *_finite(x, y))
