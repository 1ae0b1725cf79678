"""What the in-circuit / flying-probe converters share (Takaya, SPEA, Teradyne Nano, GR228X and
Spectrum, Keysight i3070): their parameters, reading text lines, numbers (as floats, or exact
decimals rescaled once), two-digit years, units with SI prefixes, tolerance limits and the
report header.

Testers print values in a prefixed unit (`4.21 KO`, `16.82 pF`, `10.02kOhm`); a measurement is
written in the unit of its reference value, so a value printed in another prefix is rescaled
(`0.47 KO` against a reference in `O` becomes 470). Case matters where it must (`mO` milli-ohm,
`MO` mega-ohm); for farad, henry and volt a capital `M` can only mean milli.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from pywats.report import NumericLimitStep, SequenceCall, UUTReport
from pywats_client.converters._base import ConversionError, Source
from pywats_client.converters._mapping import (
    TIMEZONE_PARAMETER,
    checked,
    localize,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import (
    COMMON_PARAMETERS,
    Parameter,
    ParamValue,
    SiteDefaults,
)

__all__ = [
    "Header",
    "Limits",
    "LineError",
    "Unit",
    "add_measured",
    "add_unmeasured",
    "component_prefix",
    "decimal",
    "expand_year",
    "finish",
    "ict_parameters",
    "new_report",
    "number",
    "parse_unit",
    "shifted",
    "text_lines",
    "tidy",
    "tolerance_limits",
    "with_defaults",
]


class LineError(ValueError):
    """A problem at one line of the file (1-based)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def with_defaults(
    parameters: tuple[Parameter, ...], *, required: tuple[str, ...] = (), **defaults: ParamValue
) -> tuple[Parameter, ...]:
    """`parameters` with the defaults of the named ones replaced (e.g. `encoding="cp1252"`) and
    the `required` ones marked so (values the format never carries)."""
    changed = []
    for parameter in parameters:
        if parameter.name in defaults:
            parameter = replace(parameter, default=defaults[parameter.name])
        if parameter.name in required:
            parameter = replace(parameter, required=True)
        changed.append(parameter)
    return tuple(changed)


def ict_parameters(operation_code: int) -> tuple[Parameter, ...]:
    """The common parameters with the testers' defaults (code page 1252 text, the reference's
    operation code), plus `timezone` for the files' zone-less times."""
    adjusted = with_defaults(COMMON_PARAMETERS, encoding="cp1252", operation_code=operation_code)
    return (*adjusted, TIMEZONE_PARAMETER)


# Characters XML 1.0 cannot carry: the tester's text must still make a storable report.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_EOL = re.compile(rb"\r\n|\r|\n")


def text_lines(source: Source, encoding: str, *, blank: bool = False) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line, decoded one line at a time (CR, LF and CRLF all end a
    line; a UTF-8 byte-order mark overrides `encoding`); lines of only white space are left out
    unless `blank`. Characters XML cannot carry are dropped (TAB is kept). Bytes the encoding
    cannot decode raise ConversionError at their line."""
    data = source.data
    codec, position = encoding, 0
    if data.startswith(b"\xef\xbb\xbf"):
        codec, position = "utf-8", 3
    ends = itertools.chain((m.span() for m in _EOL.finditer(data, position)), [(len(data),) * 2])
    for number, (end, after) in enumerate(ends, 1):
        if end == after == position == len(data):
            return  # the file ends with a line end: no line after it
        raw = data[position:end]
        position = after
        try:
            line = raw.decode(codec)
        except UnicodeDecodeError:
            raise source.error(
                f"bytes that are not valid {codec} text (set the 'encoding' parameter)",
                f"line {number}",
            ) from None
        text = _NOT_XML.sub("", line)
        if blank or text.strip():
            yield number, text


_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_SPECIAL = {"nan": math.nan, "-nan": math.nan, "+nan": math.nan, "inf": math.inf,
            "+inf": math.inf, "-inf": -math.inf, "infinity": math.inf, "+infinity": math.inf,
            "-infinity": -math.inf}  # fmt: skip


def number(text: str) -> float | None:
    """A plain decimal (sign, point, exponent) or NaN/inf as testers print them; else None."""
    cleaned = text.strip()
    if _DECIMAL.fullmatch(cleaned):
        return float(cleaned)
    return _SPECIAL.get(cleaned.lower())


def decimal(text: str, decimal_comma: bool = False) -> Decimal | None:
    """`text` as an exact decimal by the grammar of `number` (a decimal comma read as a point
    when `decimal_comma`), for values that are rescaled (`shifted`); else None."""
    cleaned = text.strip()
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
    if _DECIMAL.fullmatch(cleaned):
        return Decimal(cleaned)
    special = _SPECIAL.get(cleaned.lower())
    return None if special is None else Decimal(special)


def shifted(value: Decimal, exponent: int) -> float:
    """`value` × 10**`exponent` rounded once to a float, so 1.198020E+05 Ω in MΩ is 0.119802
    and not the 0.11980199999999999 a binary multiplication gives."""
    if not value.is_finite():
        return float(value)
    try:
        return float(value.scaleb(exponent))
    except ArithmeticError:  # beyond the decimal context: a float overflow or underflow anyway
        return float(value) * 10.0**exponent


def expand_year(two_digits: int) -> int:
    """A two-digit year the way the testers' Windows software reads it: 00-29 → 2000-2029,
    30-99 → 1930-1999 (Python's %y pivots at 69 instead)."""
    return 2000 + two_digits if two_digits <= 29 else 1900 + two_digits


def tidy(value: float) -> float:
    """`value` to 12 significant digits: limits and rescaled values computed from printed
    decimals read 0.7505, not 0.7505000000000001."""
    return float(f"{value:.12g}")


# Base symbols the testers write, and the unit name written into reports.
_BASES = {"O": "Ohm", "OHM": "Ohm", "Ω": "Ohm", "F": "F", "H": "H", "V": "V", "A": "A", "S": "S"}
_PREFIXES = {"G": 1e9, "M": 1e6, "K": 1e3, "k": 1e3, "m": 1e-3, "U": 1e-6, "u": 1e-6, "µ": 1e-6,
             "N": 1e-9, "n": 1e-9, "P": 1e-12, "p": 1e-12}  # fmt: skip
_PREFIX_NAMES = {1e9: "G", 1e6: "M", 1e3: "k", 1e-3: "m", 1e-6: "u", 1e-9: "n", 1e-12: "p"}


@dataclass(frozen=True)
class Unit:
    """A unit as printed: `factor` to the base unit and the `name` written into reports."""

    name: str
    factor: float
    base: str

    def to(self, other: Unit, value: float) -> float:
        """`value` in this unit expressed in `other` (same base; otherwise unchanged)."""
        if self.base != other.base or self.factor == other.factor:
            return value
        return tidy(value * (self.factor / other.factor))


def _base(text: str) -> str | None:
    return _BASES.get(text.upper())


@functools.lru_cache(maxsize=256)
def parse_unit(text: str) -> Unit:
    """The unit printed as `text` (`KO`, `mO`, `MO`, `UF`, `pF`, `mH`, `kOhm`, `V`); text
    that is no known unit keeps its name and a factor of 1."""
    cleaned = text.strip()
    base = _base(cleaned)
    if base is not None:
        return Unit(base, 1.0, base)
    factor, base = _PREFIXES.get(cleaned[:1]), _base(cleaned[1:])
    if base is None or factor is None:
        return Unit(cleaned, 1.0, cleaned)
    if cleaned[0] == "M" and base != "Ohm":
        factor = 1e-3  # a megafarad, megahenry or megavolt is never an in-circuit reading
    return Unit(_PREFIX_NAMES[factor] + base, factor, base)


def component_prefix(parts: str) -> str:
    """The component type of a part reference: its leading letters when a digit follows
    (`R12` → `R`, `SHRT3` → `SHRT`), else the whole text (`POWER_SHORTS`)."""
    letters = 0
    while letters < len(parts) and parts[letters].isalpha():
        letters += 1
    if letters and letters < len(parts) and parts[letters].isdigit():
        return parts[:letters]
    return parts


@dataclass
class Header:
    """The report header values a file gives (None: not in the file)."""

    serial_number: str = ""
    part_number: str | None = None
    revision: str | None = None
    process_code: int | None = None
    station: str | None = None
    operator: str | None = None
    start: datetime | None = None
    exec_time: float | None = None
    batch: str | None = None
    sequence_name: str = "MainSequence"
    sequence_version: str = ""


def new_report(
    source: Source, defaults: SiteDefaults, zone_name: str, header: Header, index: int, line: int
) -> UUTReport:
    """An empty UUT report for `header`; values the file lacks come from the site parameters.
    Raises LineError at `line` when a required value is missing or breaks a WATS rule."""
    try:
        identity = unit_identity(
            source,
            defaults,
            part_number=header.part_number,
            revision=header.revision,
            process_code=header.process_code,
        )
    except ConversionError as exc:
        raise LineError(exc.reason, line) from None
    if not header.serial_number:
        raise LineError("the unit has no serial number", line)
    if header.start is None:
        raise LineError("the unit has no start date and time", line)
    try:
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number=header.serial_number,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(header.station, defaults.station_name, source),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=header.operator or defaults.operator,
            start=localize(header.start, zone_from_name(zone_name)),
            sequence_name=header.sequence_name,
            sequence_version=header.sequence_version,
            exec_time=header.exec_time,
        )
    except ValueError as exc:
        raise LineError(str(exc), line) from None
    if header.batch and report.uut is not None:
        report.uut.batch_sn = header.batch
    return report


def finish(report: UUTReport, source: Source, line: int) -> UUTReport:
    """`report` with its step ids renumbered in tree order (steps join type sequences out of
    order), checked against the WATS submit rules (ConversionError at `line`)."""
    for number_, step in enumerate(report.root.walk(), 1):
        step.id = number_
    return checked(report, source, f"line {line}")


@dataclass(frozen=True)
class Limits:
    """A comparison operator with its limits (a one-limit operator uses `low`)."""

    comp: str
    low: float | None = None
    high: float | None = None


def tolerance_limits(reference: float, plus: float, minus: float) -> Limits:
    """GELE around `reference`: `plus`/`minus` percent of its magnitude above and below."""
    spread = abs(reference) / 100
    return Limits(
        "GELE", tidy(reference - spread * abs(minus)), tidy(reference + spread * abs(plus))
    )


def add_measured(
    sequence: SequenceCall,
    name: str,
    value: float,
    limits: Limits,
    unit: str | None,
    status: str,
) -> NumericLimitStep:
    """An `ET_NLT` step whose step and measurement status are the tester's `status` (P/F)."""
    return sequence.add_numeric(
        name, value, low=limits.low, high=limits.high, comp=limits.comp, unit=unit or None,
        status=status,
    )  # fmt: skip


def add_unmeasured(sequence: SequenceCall, name: str, status: str) -> NumericLimitStep:
    """An `ET_NLT` step without a measurement (skipped or without a numeric reference)."""
    step = sequence.add_numeric(name, math.nan, comp="LOG", status="P")
    del step.raw["numericMeas"]
    step.status = status
    return step
