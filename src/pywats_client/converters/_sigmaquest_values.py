"""SigmaQuest `Value*` elements: typed values, their text for reports, limits and grades
(vendor-saki-sigmaquest-listen-klippel.md §2.2–2.5)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from pywats_client.converters._mapping import parse_iso
from pywats_client.converters._xml import local

__all__ = ["GRADES", "SCALARS", "Limits", "Value", "grade_status", "operator", "read_value"]

#: Grade word (first run of word characters, upper-cased) → WATS status.
GRADES = {"PASS": "P", "DONE": "P", "FAIL": "F", "FAILED": "F", "INCOMPLETE": "T",
          "ABORTED": "T", "SKIPPED": "S", "PENDING": "E"}  # fmt: skip
#: Value elements that can be a measurement (the others are kept as text only).
SCALARS = {"ValueDouble", "ValueInteger", "ValueString", "ValueBoolean"}
_WORD = re.compile(r"\w+")
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}
_OPERATORS = {"E": "EQ", "EQ": "EQ", **{op: op for op in ("NE", "LE", "LT", "GE", "GT", "GELE",
              "GELT", "GTLE", "GTLT", "LEGE", "LEGT", "LTGE", "LTGT")}}  # fmt: skip


def grade_status(grade: str | None) -> str | None:
    """The WATS status of a grade (`PASS (retest)` reads as PASS); None when unknown."""
    match = _WORD.match((grade or "").strip())
    return GRADES.get(match.group(0).upper()) if match else None


def operator(text: str) -> str | None:
    """A `Comparison` property's operator (text before any `(`), or None when unknown."""
    return _OPERATORS.get(text.split("(", 1)[0].strip().upper())


@dataclass(frozen=True)
class Limits:
    """A numeric value's limits as WATS stores them."""

    comp: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Value:
    """One value element: its kind (element name), name, text for reports, number or flag."""

    element: ET.Element
    kind: str
    name: str
    text: str
    number: float | None = None
    flag: bool | None = None

    @property
    def grade(self) -> str | None:
        return self.element.get("grade")

    def limits(self, comparison: str | None, zero_is_none: bool) -> Limits:
        """lsl and usl → GELE (or the Comparison), usl only → LE, lsl only → GE, none → LOG;
        with `zero_is_none` a limit written as 0 counts as absent."""
        low, high = self._limit("lsl", zero_is_none), self._limit("usl", zero_is_none)
        if low is not None and high is not None:
            comp = comparison or "GELE"
            return Limits(comp, low, high) if len(comp) == 4 else Limits(comp, low)
        if high is not None:
            return Limits(comparison or "LE", high)
        if low is not None:
            return Limits(comparison or "GE", low)
        return Limits("LOG")

    def _limit(self, key: str, zero_is_none: bool) -> float | None:
        text = (self.element.get(key) or "").strip()
        if not text:
            return None
        number = _number(text.replace(",", "."), f"{key} {text!r}")
        return None if zero_is_none and number == 0 else number

    def string_limit(self) -> str | None:
        return (self.element.get("usl") or "").strip() or (self.element.get("lsl") or "") or None


def read_value(element: ET.Element) -> Value:
    """A value element as a Value; raises ValueError naming a text that is not its type."""
    kind = local(element)
    name = element.get("name") or ""
    text = (element.text or "").strip()
    if kind == "ValueDouble":
        if text.lower() == "null":  # written for a value that was not measured
            return Value(element, kind, name, text, number=math.nan)
        return Value(element, kind, name, text, number=_number(text.replace(",", "."), "value"))
    if kind == "ValueInteger":
        try:
            return Value(element, kind, name, text, number=float(int(text)))
        except ValueError:
            raise ValueError(f"expected an integer, got {text!r}") from None
    if kind == "ValueBoolean":
        flag = _BOOLEAN.get(text.lower())
        if flag is None:
            raise ValueError(f"expected true, false, 1 or 0, got {text!r}")
        return Value(element, kind, name, str(flag), flag=flag)
    if kind == "ValueTimestamp":
        moment = parse_iso(text)
        shown = _timestamp(moment) if moment is not None else text
        return Value(element, kind, name, shown)
    return Value(element, kind, name, text)


def _timestamp(moment: datetime) -> str:
    return f"{moment:%Y-%b-%d %H:%M:%S}.{moment.microsecond // 1000:03d}"


def _number(text: str, what: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{what}: expected a number, got {text!r}") from None
    if math.isinf(number) and "inf" not in text.lower():
        raise ValueError(f"{what}: {text!r} is out of range")
    return number
