"""The measurements inside ATML `TestResult`s, whatever value form holds them (formats.md §2.5).

`TestData` holds a `c:Value`: a `c:Datum` (one measurement), a `c:Collection` of `c:Item`s (one
measurement per item, as TestStand writes multiple-value steps; an item may itself be a
collection of its value, status, comparison and limits) or a `c:IndexedArray` (one measurement
per element). A form this module cannot read is returned as unread, to be kept as additional
data on the step instead of refusing the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from pywats.report import CompOp
from pywats_client.converters._atml_values import (
    XSI_TYPE,
    Datum,
    Limit,
    datum_of,
    limit_of,
    outcome_status,
)
from pywats_client.converters._xml import child, children, local, path

__all__ = ["Measured", "ResultValues", "read_results", "value_of"]

_VALUE_KEYS = ("data", "value", "measurement", "numeric", "result")
_STATUS_KEYS = ("status", "outcome")
_COMP_KEYS = ("comp", "comparison", "comparisontype", "compop", "comparator")
_LOW_KEYS = ("low", "lowlimit")
_HIGH_KEYS = ("high", "highlimit")
_EXPECTED_KEYS = ("expected", "expectedstring", "limit", "string")
#: Items of a measurement record that are not its value.
_META = {"name", "limits", *_STATUS_KEYS, *_COMP_KEYS, *_LOW_KEYS, *_HIGH_KEYS,
         *(k for k in _EXPECTED_KEYS if k != "string")}  # fmt: skip
_STATUS_LETTERS = {"passed": "P", "pass": "P", "done": "P", "true": "P", "failed": "F",
                   "fail": "F", "false": "F"}  # fmt: skip
_STRING_COMPS = {"casesensitive": "CASESENSIT", "casesensit": "CASESENSIT",
                 "ignorecase": "IGNORECASE", "caseinsensitive": "IGNORECASE"}  # fmt: skip
_TWO_LIMIT_OPS = {op.value for op in CompOp if len(op.value) == 4 and op.value != "EQT"}
_ONE_LIMIT_OPS = {"EQ", "NE", "GT", "GE", "LT", "LE"}


@dataclass(frozen=True)
class Measured:
    """One measurement: its name, value, limit and own status (P/F, None: follow the step)."""

    name: str
    datum: Datum
    limit: Limit
    status: str | None = None


@dataclass
class ResultValues:
    """What a step's measurement `TestResult`s hold.

    `single` is true for one `TestResult` with a plain `c:Datum` (a single-measurement step);
    `unread` lists (name, element) of value forms that are not measurements this module reads.
    """

    measurements: list[Measured] = field(default_factory=list)
    single: bool = False
    unread: list[tuple[str, ET.Element]] = field(default_factory=list)


def read_results(results: list[ET.Element], test: ET.Element | None = None) -> ResultValues:
    """The measurements of a step's measurement `TestResult`s, in document order; a result
    without limits of its own takes those of its `test` (`Test/TestLimits`, formats.md §2.6).

    Raises ValueError (naming the value) when a known form holds a value that does not match
    its declared type.
    """
    values = ResultValues()
    direct = 0
    for result in results:
        name = result.get("name") or result.get("ID") or ""
        limit = _result_limit(result, test)
        status = _status_letter(child(result, "Outcome"))
        value = value_of(result)
        if value is None:
            values.unread.append((name, result))
            continue
        before = len(values.measurements)
        _read_value(values, name, value, limit, status)
        direct += local(value) == "Datum" and len(values.measurements) > before
    values.single = len(values.measurements) == 1 == direct
    return values


def value_of(result: ET.Element) -> ET.Element | None:
    """The `c:Value` element (Datum, Collection, IndexedArray, ...) in a result's `TestData`."""
    data = child(result, "TestData")
    return None if data is None else next(iter(data), None)


def _read_value(
    values: ResultValues, name: str, value: ET.Element, limit: Limit, status: str | None
) -> None:
    kind = local(value)
    if kind == "Datum":
        datum = datum_of(value)
        if datum.kind == "complex":
            values.unread.append((name, value))
        else:
            values.measurements.append(Measured(name, datum, limit, status))
    elif kind == "Collection":
        for item in children(value, "Item"):
            item_name = item.get("name") or ""
            inner = next(iter(item), None)
            if inner is None:
                values.unread.append((item_name, item))
            elif local(inner) == "Collection" and _record(inner):
                _read_record(values, item_name, inner, limit, status)
            else:
                _read_value(values, item_name, inner, limit, status)
    elif kind == "IndexedArray":
        for position, datum in _array(value):
            values.measurements.append(Measured(f"{name}{position}", datum, limit, status))
    else:
        values.unread.append((name, value))


def _record(collection: ET.Element) -> bool:
    """A collection that describes one measurement: an item holds the value, or the items
    name a status or comparison beside it."""
    keys = {(i.get("name") or "").lower() for i in children(collection, "Item")}
    return bool(keys & {*_VALUE_KEYS, *_STATUS_KEYS, *_COMP_KEYS})


def _read_record(
    values: ResultValues, name: str, record: ET.Element, limit: Limit, status: str | None
) -> None:
    """One measurement written as a collection of its value, status, comparison and limits.
    The value is the item named like a value (`Data`, `Value`, ...), else the first Datum
    item that is none of the others (a `String` or `Numeric` item, say)."""
    items = {(i.get("name") or "").lower(): next(iter(i), None) for i in children(record, "Item")}
    key = next((k for k in _VALUE_KEYS if items.get(k) is not None), None)
    if key is None:
        key = next((k for k, v in items.items()
                    if k not in _META and v is not None and local(v) == "Datum"), None)  # fmt: skip
    value = items.pop(key) if key is not None else None
    if value is None or local(value) != "Datum":
        values.unread.append((name, record))
        return
    datum = datum_of(value)
    label = _scalar(items.get("name"))
    status_text = _scalar(next((items[k] for k in _STATUS_KEYS if k in items), None))
    own = _STATUS_LETTERS.get((status_text or "").strip().lower(), status)
    comp = _scalar(next((items[k] for k in _COMP_KEYS if k in items), None))
    limits = items.get("limits")
    if limits is not None and local(limits) == "Collection":
        items.update({(i.get("name") or "").lower(): next(iter(i), None)
                      for i in children(limits, "Item")})  # fmt: skip
    stated = _record_limit(datum, comp, items)
    if datum.kind == "complex":
        values.unread.append((name, record))
    else:
        own_limit = limit if stated.comp == "LOG" else stated
        values.measurements.append(Measured(label or name, datum, own_limit, own))


def _record_limit(datum: Datum, comp: str | None, items: dict[str, ET.Element | None]) -> Limit:
    """The limit a measurement record states; LOG when it states none WATS can compare."""
    key = (comp or "").strip()
    if datum.kind == "string" or datum.flag is not None:
        expected = _scalar(next((items[k] for k in _EXPECTED_KEYS if k in items), None))
        operator = _STRING_COMPS.get(key.lower(), key.upper())
        if operator in ("CASESENSIT", "IGNORECASE") and expected is not None:
            return Limit(operator, expected=expected)
        return Limit("LOG")
    low = _number(next((items[k] for k in _LOW_KEYS if k in items), None))
    high = _number(next((items[k] for k in _HIGH_KEYS if k in items), None))
    operator = key.upper()
    if operator in _TWO_LIMIT_OPS and low is not None and high is not None:
        return Limit(operator, low=low, high=high)
    if operator in _ONE_LIMIT_OPS and low is not None:
        return Limit(operator, low=low)
    return Limit("LOG")


def _array(array: ET.Element) -> list[tuple[str, Datum]]:
    """The elements of a `c:IndexedArray` as (`[position]`, Datum); the element type is the
    array's `xsi:type` without its `Array` suffix unless the element names its own."""
    element_type = array.get(XSI_TYPE, "").removesuffix("Array")
    out: list[tuple[str, Datum]] = []
    for element in array:
        if local(element) != "Element":
            continue
        position = element.get("position") or f"[{len(out)}]"
        nested = child(element, "Datum")
        if nested is not None:
            out.append((position, datum_of(nested)))
            continue
        single = ET.Element("Datum", dict(element.attrib))
        single.set(XSI_TYPE, element.get(XSI_TYPE) or element_type)
        single.extend(children(element, "Value"))
        out.append((position, datum_of(single)))
    return out


def _scalar(value: ET.Element | None) -> str | None:
    """The text of a Datum item (string or not); None for anything else."""
    if value is None or local(value) != "Datum":
        return None
    if value.get("value") is not None:
        return value.get("value")
    node = child(value, "Value")
    return (node.text or "") if node is not None else None


def _number(value: ET.Element | None) -> float | None:
    if value is None or local(value) != "Datum":
        return None
    return datum_of(value).number


def _status_letter(outcome: ET.Element | None) -> str | None:
    """A measurement's own outcome as P or F (WATS allows no other); None when it has none."""
    return None if outcome is None else ("P" if outcome_status(outcome) == "P" else "F")


def _result_limit(result: ET.Element, test: ET.Element | None) -> Limit:
    owner = result
    limits = path(result, "TestLimits", "Limits")
    if limits is None and test is not None:
        owner, limits = test, path(test, "TestLimits", "Limits")
    if limits is None:
        return Limit("LOG")
    ts_props = path(limits, "Extension", "TSLimitProperties")
    if ts_props is None:
        ts_props = path(owner, "Extension", "TSLimitProperties")
    return limit_of(limits, ts_props)
