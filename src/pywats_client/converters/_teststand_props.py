"""Reading TestStand property objects serialized as nested `<Prop>` elements (formats.md §1.2).

`Prop` looks up children by dotted path (`TS.SequenceCall.ResultList`) and reads typed scalar
values; a value that is present but unreadable raises ConversionError naming its line.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from pywats_client.converters._xml import XmlDocument

__all__ = ["Prop"]

_SPECIAL_NUMBERS = {
    "nan": math.nan,
    "ind": math.nan,
    "inf": math.inf,
    "+inf": math.inf,
    "-inf": -math.inf,
}


class Prop:
    """One `<Prop>` element of a TestStand report (or the `<Report>`/`<TSReport>` holding them)."""

    __slots__ = ("decimal_comma", "doc", "element")

    def __init__(self, element: ET.Element, doc: XmlDocument, decimal_comma: bool) -> None:
        self.element = element
        self.doc = doc
        self.decimal_comma = decimal_comma

    def _wrap(self, element: ET.Element) -> Prop:
        return Prop(element, self.doc, self.decimal_comma)

    @property
    def name(self) -> str | None:
        return self.element.get("Name")

    def child(self, name: str) -> Prop | None:
        for element in self.element:
            if element.tag == "Prop" and element.get("Name") == name:
                return self._wrap(element)
        return None

    def get(self, path: str) -> Prop | None:
        """The property at dotted `path` below this one, or None when any part is missing."""
        prop: Prop | None = self
        for part in path.split("."):
            prop = prop.child(part) if prop is not None else None
        return prop

    def children(self) -> list[Prop]:
        """The direct child properties, in file order."""
        return [self._wrap(e) for e in self.element if e.tag == "Prop"]

    def elements(self) -> list[Prop]:
        """The elements of an array property: the `Prop` inside each `<Value ID=...>`."""
        found = []
        for value in self.element.findall("Value"):
            inner = value.find("Prop")
            if inner is not None:
                found.append(self._wrap(inner))
        return found

    def value_text(self) -> str | None:
        value = self.element.find("Value")
        if value is None:
            return None
        return value.text or ""

    def label(self) -> str:
        """`Prop 'Name'`, for error messages."""
        return f"Prop {self.name!r}"

    def string(self, path: str) -> str | None:
        """The text of the scalar at `path`, or None when absent."""
        prop = self.get(path)
        return prop.value_text() if prop is not None else None

    def number(self, path: str) -> float | None:
        """The number at `path` (TestStand's NAN/IND/Inf spellings included), or None."""
        prop = self.get(path)
        text = prop.value_text() if prop is not None else None
        if prop is None or text is None or not text.strip():
            return None
        cleaned = text.strip()
        special = _SPECIAL_NUMBERS.get(cleaned.lower())
        if special is not None:
            return special
        if self.decimal_comma:
            cleaned = cleaned.replace(",", ".")
        try:
            return float(cleaned)
        except ValueError:
            raise self.doc.error(
                prop.element, f"expected a number, got {text!r}", prop.label()
            ) from None

    def integer(self, path: str) -> int | None:
        """The number at `path` as an integer (it must be finite and whole), or None."""
        value = self.number(path)
        if value is None:
            return None
        if not math.isfinite(value) or value != int(value):
            prop = self.get(path)
            assert prop is not None
            raise self.doc.error(
                prop.element, f"expected a whole number, got {value}", prop.label()
            )
        return int(value)

    def boolean(self, path: str) -> bool | None:
        """`True`/`False` at `path`, or None when absent."""
        text = self.string(path)
        if text is None or not text.strip():
            return None
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        prop = self.get(path)
        assert prop is not None
        raise self.doc.error(prop.element, f"expected True or False, got {text!r}", prop.label())
