"""ATML `c:Datum` values, `c:Limits` and outcomes → WATS values, comparison operators and
statuses (formats.md §2.5–2.7).

Elements are matched by local name: the TestResults, Common and TestStand-extension namespaces
differ between ATML 2.02, 5.00 and 6.01 but their element names do not. Datum types come from
`xsi:type` with the prefix and TestStand's `TS_` dropped (`ts:TS_double` reads as `double`).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from pywats_client.converters._xml import child, children, local, path

__all__ = [
    "XSI_TYPE",
    "Datum",
    "Limit",
    "datum_of",
    "limit_of",
    "outcome_status",
]

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_TWO_LIMITS = {"GTLT", "GELE", "GELT", "GTLE", "LTGT", "LEGE", "LEGT", "LTGE"}
_SPECIAL = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "nan": math.nan}


_STATUS_WORDS = {
    "passed": "P",
    "failed": "F",
    "skipped": "S",
    "error": "E",
    "terminated": "T",
    "done": "D",
    "notstarted": "S",
    "aborted": "T",
    "unknown": "D",
}


def outcome_status(outcome: ET.Element | None) -> str:
    """WATS status of an `Outcome`/`ActionOutcome`: a qualifier refines UserDefined/Aborted."""
    if outcome is None:
        return "D"
    value = (outcome.get("value") or "").strip()
    qualifier = (outcome.get("qualifier") or "").strip()
    if value in ("UserDefined", "Aborted") and qualifier:
        return _STATUS_WORDS.get(qualifier.lower(), "D")
    return _STATUS_WORDS.get(value.lower(), "D")


@dataclass(frozen=True)
class Datum:
    """A typed value: `number` for numeric types, `text` for strings, `flag` for booleans."""

    kind: str
    number: float | None = None
    text: str | None = None
    flag: bool | None = None
    unit: str | None = None


def datum_of(element: ET.Element) -> Datum:
    """Read a `c:Datum` (or a TestStand `RawLimits` entry). Raises ValueError naming the type
    and value when the value does not match its type."""
    kind = element.get(XSI_TYPE, "").rsplit(":", 1)[-1].removeprefix("TS_").lower()
    unit = element.get("nonStandardUnit") or element.get("standardUnit") or None
    value = element.get("value")
    if kind == "string" or (value is None and child(element, "Value") is not None):
        node = child(element, "Value")
        return Datum("string", text=(node.text or "") if node is not None else "", unit=unit)
    if kind == "complex":
        real, imaginary = element.get("real", "0"), element.get("imaginary", "0")
        sign = "" if imaginary.startswith(("-", "+")) else "+"
        text = f"{real}{sign}{imaginary}i"
        return Datum(kind, text=text, unit=unit)
    if value is None:
        raise ValueError(f"a {kind or 'Datum'} value needs a 'value' attribute")
    text = value.strip()
    if kind == "datetime":
        return Datum("string", text=text, unit=unit)
    if kind == "boolean":
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"expected a boolean, got {value!r}")
        return Datum(kind, flag=text.lower() in ("true", "1"), unit=unit)
    try:
        if kind in ("hexadecimal", "octal", "binary"):
            base = {"hexadecimal": 16, "octal": 8, "binary": 2}[kind]
            number = float(int(text.lower().removeprefix("0x"), base))
        elif text.lower() in _SPECIAL:
            number = _SPECIAL[text.lower()]
        else:
            number = float(text)
    except ValueError:
        raise ValueError(f"expected a {kind or 'number'}, got {value!r}") from None
    return Datum(kind or "double", number=number, unit=unit)


@dataclass(frozen=True)
class Limit:
    """A WATS operator with its limits (numeric) or expected string."""

    comp: str
    low: float | None = None
    high: float | None = None
    expected: str | None = None


def limit_of(limits: ET.Element, ts_props: ET.Element | None) -> Limit:
    """The WATS form of one `Limits` element; `ts_props` is the step's TSLimitProperties."""
    body = next((e for e in limits if local(e) in _LIMIT_KINDS), None)
    if body is None:
        return Limit("LOG")
    kind = local(body)
    if kind == "Mask":
        return Limit("LOG")
    if kind == "LimitPair":
        return _pair(body)
    datum_element = child(body, "Datum")
    if datum_element is None:
        raise ValueError(f"{kind} has no Datum")
    comparator = (body.get("comparator") or "").upper()
    datum = datum_of(datum_element)
    if kind == "SingleLimit":
        if comparator not in ("GT", "GE", "LT", "LE"):
            raise ValueError(f"SingleLimit comparator {comparator!r} is not GT, GE, LT or LE")
        return Limit(comparator, low=_number(datum))
    if datum.kind == "string":
        string_ops = {"EQ": "CASESENSIT", "CIEQ": "IGNORECASE"}
        return Limit(string_ops.get(comparator, "LOG"), expected=datum.text)
    if child(datum_element, "ErrorLimits") is not None:
        return _threshold(datum_element, ts_props, _number(datum))
    if comparator not in ("EQ", "NE"):
        raise ValueError(f"Expected comparator {comparator!r} on a number is not EQ or NE")
    return Limit(comparator, low=_number(datum))


_LIMIT_KINDS = {"Expected", "SingleLimit", "LimitPair", "Mask"}


def _number(datum: Datum) -> float:
    if datum.number is None:
        raise ValueError(f"expected a numeric limit, got a {datum.kind}")
    return datum.number


def _pair(pair: ET.Element) -> Limit:
    bounds = []
    for limit in children(pair, "Limit"):
        datum_element = child(limit, "Datum")
        if datum_element is None:
            raise ValueError("LimitPair Limit has no Datum")
        bounds.append((_number(datum_of(datum_element)), (limit.get("comparator") or "").upper()))
    if len(bounds) != 2:
        raise ValueError(f"LimitPair needs exactly two Limit elements, found {len(bounds)}")
    # Other writers may list the high bound first: order by value (formats.md §2.6).
    (low, low_comp), (high, high_comp) = sorted(bounds, key=lambda b: b[0])
    comp = low_comp + high_comp
    if comp not in _TWO_LIMITS:
        operator = pair.get("operator", "AND")
        raise ValueError(f"LimitPair {operator} of {low_comp} {low} and {high_comp} {high}")
    return Limit(comp, low=low, high=high)


def _threshold(datum: ET.Element, ts_props: ET.Element | None, nominal: float) -> Limit:
    """EQT → GELE: TestStand's computed ThresholdLow/High when written, else computed from the
    RawLimits and ThresholdType as for TestStand XML (§1.6), else the ErrorLimits pair."""
    raw = child(ts_props, "RawLimits")
    low, high = child(raw, "ThresholdLow"), child(raw, "ThresholdHigh")
    if low is not None and high is not None:
        return Limit("GELE", low=_number(datum_of(low)), high=_number(datum_of(high)))
    kind_element = child(ts_props, "ThresholdType")
    kind = (
        (kind_element.get("value") or kind_element.text or "") if kind_element is not None else ""
    )
    low, high = child(raw, "Low"), child(raw, "High")
    divisor = {"percentage": 100.0, "ppm": 1e6, "delta": None}
    if kind.strip().lower() in divisor and low is not None and high is not None:
        below, above = _number(datum_of(low)), _number(datum_of(high))
        scale = divisor[kind.strip().lower()]
        if scale is None:
            return Limit("GELE", low=nominal - below, high=nominal + above)
        return Limit(
            "GELE",
            low=nominal - abs(nominal) * below / scale,
            high=nominal + abs(nominal) * above / scale,
        )
    pair = path(datum, "ErrorLimits", "LimitPair")
    if pair is None:
        raise ValueError(f"EQT limit around {nominal} has no ErrorLimits LimitPair")
    bounds = _pair(pair)
    return Limit("GELE", low=bounds.low, high=bounds.high)
