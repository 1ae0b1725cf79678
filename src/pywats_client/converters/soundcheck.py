"""Listen SoundCheck text data logs (AutoSave "Save Results/Data to Text - Append") → UUT reports.

One report per run of consecutive rows with the same serial number. Columns are found by the
labels of the most recent `Serial #:` header line, so the optional Operator column is read
(it becomes the operator). A results row is a numeric step (`Max/Min` limits `<max>/<min>`
give GELE, margins to tolerance curves are logged) whose status is the file's verdict. A curve
is a header line naming it and two rows (x values, then y values); it becomes a chart step
whose scaling follows the header's axis fields, and the curves `<item> Upper Limit` /
`<item> Lower Limit` of the same unit become the `HighLimit` / `LowLimit` series of `<item>`'s
chart. Numbers and dates follow the `variant` parameter (US or EU).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pywats.report import ChartSeries, ChartStep, SequenceCall, UUTReport, searchable
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    checked,
    localize,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import Parameter
from pywats_client.converters._soundcheck_text import (
    CURVE_NAME,
    Cells,
    Layout,
    Variant,
    looks_numeric,
)

__all__ = ["SoundCheckConverter"]

PARAMETERS: tuple[Parameter, ...] = (
    *(p for p in WITH_TIMEZONE if p.name != "decimal_comma"),  # `variant` decides
    Parameter(
        "variant",
        str,
        "US",
        "Regional format of the SoundCheck PC: US (3.14, M/d/yyyy h:mm:ss AM/PM) or EU (3,14, "
        "day-first 24-hour dates).",
        choices=("US", "EU"),
    ),
    Parameter("sequence_name", str, "SoundCheckSeq", "Sequence name written as the root's path."),
    Parameter("sequence_version", str, "1.0.0", "Sequence version written on the root."),
    Parameter(
        "search_char_replacement",
        str,
        "-",
        "Replaces the characters WATS refuses in serial and part numbers (S/N 13 → S-N 13; the "
        "original goes to misc info); empty: refuse such files.",
    ),
)

_VERDICTS = {
    "pass": "P", "passed": "P", "fail": "F", "failed": "F", "terminated": "T", "error": "E",
    "done": "D", "skipped": "S",
}  # fmt: skip
_LIMIT_SUFFIXES = {" upper limit": "HighLimit", " lower limit": "LowLimit"}


@dataclass
class _Result:
    line: int
    name: str
    value: float
    unit: str | None
    status: str
    limits: tuple[float, float] | None  # (low, high)


@dataclass
class _Curve:
    line: int
    name: str
    chart_type: str
    x_unit: str | None
    y_unit: str | None
    x: list[float]
    y: list[float] = field(default_factory=list)


@dataclass
class _Unit:
    line: int
    serial: str
    lot: str
    operator: str | None
    start: str
    items: list[_Result | _Curve] = field(default_factory=list)


@dataclass
class _CurveHeader:
    layout: Layout
    name: str
    chart_type: str
    x_unit: str | None
    y_unit: str | None


class _LineError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class SoundCheckConverter(Converter):
    """A SoundCheck text data log → one UUT report per run of rows with one serial number."""

    name = "soundcheck"
    description = "Listen SoundCheck text data log (results and curves, US or EU format)"
    patterns = ("*.txt",)
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        variant = Variant(str(self.values["variant"]))
        try:
            units = _Reader(variant).read(self.text(source))
        except _LineError as exc:
            raise source.error(str(exc), f"line {exc.line}") from None
        if not units:
            raise source.error("expected SoundCheck results or curve rows, found none", "line 1")
        reports = []
        for index, unit in enumerate(units):
            where = f"line {unit.line}"
            try:
                report = self._report(source, index, unit, variant)
            except ValueError as exc:
                raise source.error(str(exc), where) from None
            reports.append(checked(report, source, where))
        return reports

    def _report(self, source: Source, index: int, unit: _Unit, variant: Variant) -> UUTReport:
        replacement = str(self.values["search_char_replacement"])
        serial, lot = searchable(unit.serial, replacement), searchable(unit.lot, replacement)
        identity = unit_identity(
            source,
            self.defaults,
            part_number=lot or None,
            revision=None,
            process_code=None,
            where=f"line {unit.line}",
        )
        zone = zone_from_name(str(self.values["timezone"]))
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(None, self.defaults.station_name, source),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=unit.operator or self.defaults.operator,
            start=localize(variant.moment(unit.start), zone),
            sequence_path=str(self.values["sequence_name"]),
            sequence_version=str(self.values["sequence_version"]),
        )
        if serial != unit.serial:
            report.add_misc_info("Serial #", unit.serial)
        if lot and lot != unit.lot:
            report.add_misc_info("Lot #", unit.lot)
        _add_items(report.root, unit.items)
        result = report.propagate_failures()
        failing = any(
            m.get("status") == "F" for s in report.steps() for m in s.raw.get("numericMeas") or ()
        )
        if result == "P" and failing:
            report.result = "F"  # a value outside its limits fails the unit whatever the verdict
        return report


def _add_items(root: SequenceCall, items: list[_Result | _Curve]) -> None:
    """Results and curves as steps in file order; limit curves join their item's chart."""
    curves = {item.name.lower() for item in items if isinstance(item, _Curve)}
    charts: dict[str, ChartStep] = {}
    limits: list[tuple[str, str, _Curve]] = []
    for item in items:
        if isinstance(item, _Result):
            status = None if item.limits else ("F" if item.status in "FET" else "P")
            step = root.add_numeric(
                item.name,
                item.value,
                low=item.limits[0] if item.limits else None,
                high=item.limits[1] if item.limits else None,
                comp="GELE" if item.limits else "LOG",
                unit=item.unit,
                status=status,
            )
            step.status = item.status
            continue
        lowered = item.name.lower()
        suffix = next((s for s in _LIMIT_SUFFIXES if lowered.endswith(s)), None)
        if suffix is not None and lowered.removesuffix(suffix) in curves:
            limits.append((lowered.removesuffix(suffix), _LIMIT_SUFFIXES[suffix], item))
            continue
        chart = root.add_chart(
            item.name,
            chart_type=item.chart_type,
            label=item.name,
            x_label="X",
            x_unit=item.x_unit,
            y_label="Y",
            y_unit=item.y_unit,
            series=[ChartSeries.new(item.name, item.x, item.y)],
        )
        charts.setdefault(lowered, chart)
    for base, series, curve in limits:
        charts[base].add_series(series, curve.x, curve.y)


class _Reader:
    """Splits the text into units: rows, curve headers and x/y row pairs, in file order."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.results = Layout.standard()  # columns of results rows
        self.layout = self.results  # the most recent header: where the labelled columns are
        self.curve: _CurveHeader | None = None
        self.pending: _Curve | None = None  # x values read, y row expected
        self.units: list[_Unit] = []

    def read(self, text: str) -> list[_Unit]:
        for number, line in enumerate(text.split("\n"), 1):
            cells = line.rstrip("\r").split("\t")
            if not any(cell.strip() for cell in cells):
                continue
            if cells[0].strip() == "Serial #:":
                self._unpaired()
                self._header(cells, number)
            else:
                self._row(cells, number)
        self._unpaired()
        return self.units

    def _unpaired(self) -> None:
        if self.pending is not None:
            raise _LineError(
                self.pending.line,
                f"curve {self.pending.name!r}: the x values row has no y values row after it",
            )

    def _header(self, cells: Cells, number: int) -> None:
        layout, is_results = Layout.from_header(cells)
        if layout.missing():
            raise _LineError(number, f"header without the column(s) {', '.join(layout.missing())}")
        self.layout = layout
        if is_results:
            self.results = layout
            return
        at = layout.columns[CURVE_NAME]

        def cell(offset: int) -> str:
            return cells[at + offset].strip() if at + offset < len(cells) else ""

        name = cell(0)
        if not name:
            raise _LineError(number, "curve header without a curve name after the 'Lot #:' column")
        x_log, y_log = cell(6).lower().endswith(" log"), cell(7).lower().endswith(" log")
        chart_type = {(True, True): "LineLogXY", (True, False): "LineLogX"}.get(
            (x_log, y_log), "LineLogY" if y_log else "Line"
        )
        self.curve = _CurveHeader(layout, name, chart_type, cell(10) or None, cell(11) or None)

    def _row(self, cells: Cells, number: int) -> None:
        serial = self.layout.cell(cells, "Serial #")
        if not serial:
            raise _LineError(number, "the 'Serial #' cell is empty")
        unit = self.units[-1] if self.units else None
        if unit is None or unit.serial != serial:
            self._unpaired()
            unit = _Unit(
                number,
                serial,
                self.layout.cell(cells, "Lot #"),
                self.layout.cell(cells, "Operator") or None,
                self.layout.cell(cells, "Time"),
            )
            try:
                self.variant.moment(unit.start)
            except ValueError as exc:
                raise _LineError(number, str(exc)) from None
            self.units.append(unit)
        try:
            values = self.variant.numbers([cell.strip() for cell in cells[self.layout.meta :]])
        except ValueError as exc:
            raise _LineError(number, str(exc)) from None
        if values:
            self._curve_row(unit, values, number)
        else:
            self._unpaired()
            unit.items.append(self._result(cells, number))

    def _curve_row(self, unit: _Unit, numbers: list[float], number: int) -> None:
        if self.curve is None:
            raise _LineError(number, "curve values before any curve header naming the curve")
        if self.pending is None:
            header = self.curve
            self.pending = _Curve(
                number, header.name, header.chart_type, header.x_unit, header.y_unit, numbers
            )
            return
        curve, self.pending = self.pending, None
        if len(numbers) != len(curve.x):
            raise _LineError(
                number,
                f"curve {curve.name!r}: {len(numbers)} y values but {len(curve.x)} x values "
                f"(line {curve.line})",
            )
        curve.y = numbers
        unit.items.append(curve)

    def _result(self, cells: Cells, number: int) -> _Result:
        layout = self.results

        def cell(name: str) -> str:
            return layout.cell(cells, name)

        name = cell("Name")
        if not name:
            raise _LineError(number, "results row without a name in the 'Name' column")
        verdict = cell("Result")
        status = _VERDICTS.get(verdict.lower())
        if status is None:
            raise _LineError(
                number, f"'Result' {verdict!r} is not a verdict (expected PASS or FAIL)"
            )
        value = self._number(cell("Margin"), number, "'Margin'")
        limits_text = cell("Limits")
        limits = None
        high, slash, low = limits_text.partition("/")
        if slash and looks_numeric(high.strip()) and looks_numeric(low.strip()):
            limits = (
                self._number(low.strip(), number, "'Limits'"),
                self._number(high.strip(), number, "'Limits'"),
            )
        elif cell("Tolerance").lower() == "max/min":
            raise _LineError(
                number, f"'Limits' {limits_text!r}: expected <max>/<min> for tolerance Max/Min"
            )
        return _Result(number, name, value, cell("Unit") or None, status, limits)

    def _number(self, text: str, number: int, what: str = "") -> float:
        try:
            return self.variant.number(text)
        except ValueError as exc:
            raise _LineError(number, f"{what} {exc}".strip()) from None
