"""Limit evaluation: how a measurement's status follows from its comparison operator.

The operator table is §12.4 of the WSJF spec: plain IEEE double comparisons without tolerance,
one-limit operators compare against the low limit, operator codes match case-insensitively.
NaN therefore fails every operator except `LOG` and `NE` (NaN != x is true), and ±Infinity
compares as the extreme it is.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

from pywats._exceptions import ReportValidationError

__all__ = [
    "NUMERIC_LIMITS_USED",
    "STATUS_SEVERITY",
    "STRING_OPS",
    "as_number",
    "non_finite_text",
    "numeric_passes",
    "string_passes",
    "worst_status",
]

_NumericTest = Callable[[float, float, float], bool]

# code -> (number of limits used, test(v, L, H))
_NUMERIC: dict[str, tuple[int, _NumericTest]] = {
    "LOG": (0, lambda v, lo, hi: True),
    "EQ": (1, lambda v, lo, hi: v == lo),
    "NE": (1, lambda v, lo, hi: v != lo),
    "GT": (1, lambda v, lo, hi: v > lo),
    "GE": (1, lambda v, lo, hi: v >= lo),
    "LT": (1, lambda v, lo, hi: v < lo),
    "LE": (1, lambda v, lo, hi: v <= lo),
    "GTLT": (2, lambda v, lo, hi: lo < v < hi),
    "GTLE": (2, lambda v, lo, hi: lo < v <= hi),
    "GELT": (2, lambda v, lo, hi: lo <= v < hi),
    "GELE": (2, lambda v, lo, hi: lo <= v <= hi),
    "LTGT": (2, lambda v, lo, hi: v < lo or v > hi),
    "LTGE": (2, lambda v, lo, hi: v < lo or v >= hi),
    "LEGT": (2, lambda v, lo, hi: v <= lo or v > hi),
    "LEGE": (2, lambda v, lo, hi: v <= lo or v >= hi),
}

_STRING: dict[str, Callable[[str, str], bool]] = {
    "CASESENSIT": lambda v, lim: v == lim,
    "IGNORECASE": lambda v, lim: v.casefold() == lim.casefold(),
    # Ordinal comparisons, which WATS client documentation allows on string steps.
    "EQ": lambda v, lim: v == lim,
    "NE": lambda v, lim: v != lim,
    "GT": lambda v, lim: v > lim,
    "GE": lambda v, lim: v >= lim,
    "LT": lambda v, lim: v < lim,
    "LE": lambda v, lim: v <= lim,
}

# What the submit rules accept: every operator above, plus `EQT` (a valid code whose tolerance
# semantics are not defined, so it is never evaluated) and string `LOG`.
NUMERIC_LIMITS_USED: dict[str, int] = {code: used for code, (used, _) in _NUMERIC.items()}
NUMERIC_LIMITS_USED["EQT"] = 1
STRING_OPS = frozenset({"LOG", *_STRING})

# The text forms WATS uses for non-finite numbers, which JSON itself cannot carry.
_NON_FINITE = {
    "nan": math.nan,
    "infinity": math.inf,
    "-infinity": -math.inf,
    "inf": math.inf,
    "-inf": -math.inf,
    "+infinity": math.inf,
    "+inf": math.inf,
}


def non_finite_text(value: float) -> str:
    """The text WATS uses for a NaN or infinite number (JSON itself cannot carry them)."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


STATUS_SEVERITY = {"P": 0, "D": 1, "S": 2, "F": 3, "E": 4, "T": 5}


def worst_status(a: str, b: str) -> str:
    """The more severe of two status letters (P < D < S < F < E < T); unknown letters rank low."""
    return b if STATUS_SEVERITY.get(b, -1) > STATUS_SEVERITY.get(a, -1) else a


def as_number(value: object, where: str, key: str) -> float:
    """`value` as a float for comparison: a JSON number or a NaN/Infinity text.

    Raises ReportValidationError naming `where.key` for anything else (booleans and other text
    too).
    """
    if type(value) is float:
        return value
    # Any real number (int, float subclasses such as numpy.float64, numpy integers) but bool.
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in _NON_FINITE:
        return _NON_FINITE[value.strip().lower()]
    raise ReportValidationError([(f"{where}.{key}", f"expected a number, got {value!r}")])


def numeric_passes(
    comp_op: str, value: object, low: object, high: object, *, where: str = "measurement"
) -> bool:
    """Whether a numeric measurement passes `comp_op` (§12.4).

    Raises ReportValidationError when the operator is unknown or not defined precisely (`EQT`),
    a limit the operator uses is missing, or a value/limit is not numeric.
    """
    entry = _NUMERIC.get(comp_op.upper())
    if entry is None:
        raise ReportValidationError(
            [(f"{where}.compOp", f"{comp_op!r} has no defined numeric evaluation")]
        )
    used, test = entry
    v = as_number(value, where, "value")
    lo = as_number(low, where, "lowLimit") if used >= 1 else math.nan
    hi = as_number(high, where, "highLimit") if used == 2 else math.nan
    return test(v, lo, hi)


def string_passes(
    comp_op: str, value: object, limit: object, *, where: str = "measurement"
) -> bool:
    """Whether a string measurement passes `comp_op` (`LOG` always passes).

    Raises ReportValidationError when the operator is unknown or a value/limit is not text.
    """
    code = comp_op.upper()
    if code == "LOG":
        return True
    test = _STRING.get(code)
    if test is None:
        raise ReportValidationError(
            [(f"{where}.compOp", f"{comp_op!r} has no defined string evaluation")]
        )
    if not isinstance(value, str):
        raise ReportValidationError([(f"{where}.value", f"expected text, got {value!r}")])
    if not isinstance(limit, str):
        raise ReportValidationError([(f"{where}.limit", f"expected text, got {limit!r}")])
    return test(value, limit)
