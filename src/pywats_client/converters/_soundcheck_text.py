"""SoundCheck text data logs: lines, header layouts and the US/EU number and date grammar.

SoundCheck writes numbers and dates in the Windows regional format of its PC. The US variant
has a decimal point and month-first dates with AM/PM; the EU variant a decimal comma and
day-first 24-hour dates. Nothing in a file says which, so the variant is a setting, and a cell
that cannot be what the variant says is an error that names the other variant.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "CURVE_NAME",
    "RESULT_COLUMNS",
    "Cells",
    "Layout",
    "Variant",
    "label",
    "looks_numeric",
]

#: The results columns every results header has (labels trimmed, without the trailing `:`).
RESULT_COLUMNS = ("Name", "Margin", "Unit", "Result", "Tolerance", "Limits")
#: The labelled columns that start every row: serial, optional operator, time, lot.
_META = ("Serial #", "Operator", "Time", "Lot #")
#: Pseudo column: a curve header's curve name follows its labelled columns.
CURVE_NAME = "curve"

_US_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")
_EU_NUMBER = re.compile(r"[-+]?(?:\d+,?\d*|,\d+)(?:[eE][-+]?\d+)?\Z")
_NUMERIC_LOOK = re.compile(r"^[-+]?[\d.,]*\d[\d.,]*(?:[eE][-+]?\d+)?$")
_DATE = re.compile(
    r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$"
)

Cells = list[str]


def looks_numeric(text: str) -> bool:
    """Digits with `.` or `,` (either variant's number): used to tell curve rows from results."""
    return bool(_NUMERIC_LOOK.match(text))


def label(cell: str) -> str:
    """A header cell as a label: trimmed, without the trailing colon."""
    return cell.strip().removesuffix(":").strip()


@dataclass(frozen=True)
class Layout:
    """Column positions by label, from the most recent header line (results or curve)."""

    columns: dict[str, int]

    @classmethod
    def standard(cls) -> Layout:
        """The layout when a file has no results header: the default AutoSave columns."""
        labels = ("Serial #", "Time", "Lot #", *RESULT_COLUMNS)
        return cls({name: index for index, name in enumerate(labels)})

    @classmethod
    def from_header(cls, cells: Cells) -> tuple[Layout, bool]:
        """The layout a `Serial #:` line defines and whether it is a results header (else a
        curve header, whose name cell follows the labelled columns)."""
        columns: dict[str, int] = {}
        index = 0
        while index < len(cells) and cells[index].strip().endswith(":"):
            columns[label(cells[index])] = index
            index += 1
        rest = {label(cell): at for at, cell in enumerate(cells) if at >= index}
        if all(name in rest for name in RESULT_COLUMNS):
            columns.update((name, rest[name]) for name in RESULT_COLUMNS)
            return cls(columns), True
        columns[CURVE_NAME] = index
        return cls(columns), False

    @property
    def meta(self) -> int:
        """How many labelled columns start a row (3, or 4 with the Operator column)."""
        return sum(1 for name in _META if name in self.columns)

    def missing(self) -> list[str]:
        """Labels a row needs that this layout lacks."""
        return [name for name in ("Serial #", "Time", "Lot #") if name not in self.columns]

    def cell(self, cells: Cells, name: str) -> str:
        """The trimmed cell under `name`, empty when the row is shorter or the column absent."""
        index = self.columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""


@dataclass(frozen=True)
class Variant:
    """The regional format: `US` (decimal point, month first, AM/PM) or `EU` (decimal comma,
    day first, 24-hour)."""

    name: str

    @property
    def _exact(self) -> re.Pattern[str]:
        return _US_NUMBER if self.name == "US" else _EU_NUMBER

    def numbers(self, cells: Cells) -> list[float] | None:
        """The non-empty `cells` as numbers when every one looks numeric, else None (a results
        row); ValueError when one looks numeric but is not a number of this variant."""
        present = [cell for cell in cells if cell]
        exact = self._exact.match
        if all(exact(cell) for cell in present):
            values = [float(cell.replace(",", ".")) for cell in present]
            if all(math.isfinite(v) for v in values):
                return values
        if not all(looks_numeric(cell) for cell in present):
            return None
        return [self.number(cell) for cell in present]  # raises for the first bad cell

    @property
    def _other(self) -> str:
        return "EU" if self.name == "US" else "US"

    def number(self, text: str) -> float:
        """A finite number in this variant; ValueError says what was expected."""
        if self._exact.match(text):
            value = float(text.replace(",", "."))
            if math.isfinite(value):
                return value
            raise ValueError(f"number {text!r} is out of range")
        point, comma = "." in text, "," in text
        wrong = comma if self.name == "US" else point
        if not looks_numeric(text) or (point and comma):
            raise ValueError(f"expected a number, got {text!r}")
        if wrong:
            mark = "comma" if self.name == "US" else "point"
            raise ValueError(
                f"{text!r} has a decimal {mark}, which the {self.name} variant does not use: the "
                f"file looks like the {self._other} variant (set the parameter 'variant')"
            )
        raise ValueError(f"expected a number, got {text!r}")

    def moment(self, text: str) -> datetime:
        """The naive local date-time in a Time cell; ValueError says what was expected."""
        expected = (
            "M/d/yyyy h:mm:ss AM/PM"
            if self.name == "US"
            else "day-first d.M.yyyy HH:mm:ss (or with - or /)"
        )
        match = _DATE.match(text.strip())
        if not match:
            raise ValueError(f"time {text!r} does not match the {self.name} form {expected}")
        first, _, second, year, hour, minute, seconds, half = match.groups()
        month, day = (int(first), int(second)) if self.name == "US" else (int(second), int(first))
        if self.name == "EU" and half:
            raise ValueError(
                f"time {text!r} has AM/PM, which the EU variant does not use: the file looks "
                "like the US variant (set the parameter 'variant')"
            )
        hours = int(hour)
        if half:
            if not 1 <= hours <= 12:
                raise ValueError(f"time {text!r}: hour {hours} is not a 12-hour clock hour")
            hours = hours % 12 + (12 if half.lower() == "pm" else 0)
        try:
            return datetime(int(year), month, day, hours, int(minute), int(seconds or 0))
        except ValueError:
            order = "month/day" if self.name == "US" else "day/month"
            raise ValueError(
                f"time {text!r} is not a valid {order} date in the {self.name} variant: the file "
                f"may be the {self._other} variant (set the parameter 'variant')"
            ) from None
