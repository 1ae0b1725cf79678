"""Limit evaluation (§12.4): every operator against an independent table-driven oracle."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pywats import ReportValidationError
from pywats.report import (
    NumericLimitStep,
    StringValueStep,
    UUTReport,
    numeric_passes,
    read_wsjf,
    string_passes,
)

# The oracle: operator -> (relation to lowLimit, relation to highLimit, how they combine).
# Written from the spec table, independently of the implementation's formulation.
REL: dict[str, Callable[[float, float], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
ORACLE: dict[str, tuple[str | None, str | None, str]] = {
    "LOG": (None, None, "none"),
    "EQ": ("eq", None, "only"),
    "NE": ("ne", None, "only"),
    "GT": ("gt", None, "only"),
    "GE": ("ge", None, "only"),
    "LT": ("lt", None, "only"),
    "LE": ("le", None, "only"),
    "GTLT": ("gt", "lt", "and"),
    "GTLE": ("gt", "le", "and"),
    "GELT": ("ge", "lt", "and"),
    "GELE": ("ge", "le", "and"),
    "LTGT": ("lt", "gt", "or"),
    "LTGE": ("lt", "ge", "or"),
    "LEGT": ("le", "gt", "or"),
    "LEGE": ("le", "ge", "or"),
}


def oracle(op: str, v: float, low: float, high: float) -> bool:
    low_rel, high_rel, combine = ORACLE[op]
    if combine == "none":
        return True
    first = REL[low_rel](v, low)  # type: ignore[index]
    if combine == "only":
        return first
    second = REL[high_rel](v, high)  # type: ignore[index]
    return (first and second) if combine == "and" else (first or second)


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5).map(float),
    st.sampled_from([0.0, -0.0, 1.0, math.inf, -math.inf, math.nan]),
)


@given(op=st.sampled_from(sorted(ORACLE)), v=numbers, low=numbers, high=numbers)
def test_numeric_operators_agree_with_the_oracle(
    op: str, v: float, low: float, high: float
) -> None:
    assert numeric_passes(op, v, low, high) is oracle(op, v, low, high)
    # Operator codes match case-insensitively (exports contain `IgnoreCase` next to `IGNORECASE`).
    assert numeric_passes(op.lower(), v, low, high) is oracle(op, v, low, high)


STRING_ORACLE: dict[str, Callable[[str, str], bool]] = {
    "LOG": lambda v, lim: True,
    "CASESENSIT": lambda v, lim: v == lim,
    "IGNORECASE": lambda v, lim: v.lower() == lim.lower(),
}
ascii_text = st.text(alphabet="aAbB ", max_size=3)


@given(op=st.sampled_from(sorted(STRING_ORACLE)), value=ascii_text, limit=ascii_text)
def test_string_operators_agree_with_the_oracle(op: str, value: str, limit: str) -> None:
    assert string_passes(op, value, limit) is STRING_ORACLE[op](value, limit)


@pytest.mark.parametrize(
    ("op", "value", "limit", "passed"),
    [
        ("IgnoreCase", "ABC", "abc", True),
        ("CASESENSIT", "ABC", "abc", False),
        ("LOG", "anything", None, True),
        ("EQ", "b", "b", True),
        ("LT", "a", "b", True),
        ("GE", "a", "b", False),
    ],
)
def test_string_operators(op: str, value: str, limit: str | None, passed: bool) -> None:
    assert string_passes(op, value, limit) is passed


@pytest.mark.parametrize(
    ("value", "low", "high", "op", "passed"),
    [
        ("NaN", 0.0, None, "NE", True),
        ("NaN", 0.0, 1.0, "GELE", False),
        ("Infinity", 0.0, None, "GT", True),
        ("-Infinity", 0.0, 1.0, "LTGT", True),
        (500, 501, None, "LT", True),
        (500.0, "NaN", None, "LOG", True),
    ],
)
def test_text_forms_of_non_finite_numbers_and_integers_compare_as_numbers(
    value: object, low: object, high: object, op: str, passed: bool
) -> None:
    assert numeric_passes(op, value, low, high) is passed


@pytest.mark.parametrize(
    ("op", "value", "low", "high", "message"),
    [
        ("GELE", "3.3V", 1.0, 2.0, r"m\.value: expected a number, got '3\.3V'"),
        ("GE", True, 1.0, None, r"m\.value: expected a number, got True"),
        ("GELE", 1.0, 1.0, None, r"m\.highLimit: expected a number, got None"),
        ("EQ", 1.0, None, None, r"m\.lowLimit: expected a number, got None"),
        ("EQT", 1.0, 1.0, None, r"m\.compOp: 'EQT' has no defined numeric evaluation"),
        ("XX", 1.0, 1.0, None, r"m\.compOp: 'XX' has no defined numeric evaluation"),
    ],
)
def test_numeric_errors_name_the_field(
    op: str, value: object, low: object, high: object, message: str
) -> None:
    with pytest.raises(ReportValidationError, match=message) as info:
        numeric_passes(op, value, low, high, where="m")
    assert isinstance(info.value, ValueError)


def test_string_errors_name_the_field() -> None:
    with pytest.raises(ReportValidationError, match=r"m\.limit: expected text, got None"):
        string_passes("CASESENSIT", "a", None, where="m")
    with pytest.raises(ReportValidationError, match=r"m\.compOp: 'GELE' has no defined string"):
        string_passes("GELE", "a", "b", where="m")


def test_every_sample_measurement_status_follows_the_table(samples_uut_text: str) -> None:
    original = read_wsjf(samples_uut_text)
    evaluated = read_wsjf(samples_uut_text)
    assert isinstance(original, UUTReport)
    assert isinstance(evaluated, UUTReport)
    evaluated.evaluate(propagate=False)
    kinds = (NumericLimitStep, StringValueStep)
    before = [m.status for s in original.steps() if isinstance(s, kinds) for m in s.measurements]
    after = [m.status for s in evaluated.steps() if isinstance(s, kinds) for m in s.measurements]
    assert len(before) == 129  # 108 numeric + 21 string measurements
    assert after == before
    assert {"P", "F"} <= set(before)


def test_evaluate_sets_step_status_and_propagates_when_asked(samples_uut_text: str) -> None:
    report = read_wsjf(samples_uut_text)
    assert isinstance(report, UUTReport)
    step = next(s for s in report.steps() if s.name == "SingleGEPass")
    assert isinstance(step, NumericLimitStep)
    assert step.measurement is not None
    step.measurement.value = 1.0
    assert step.parent is not None
    step.parent.status = "P"
    report.result = "P"
    assert report.evaluate(propagate=False) == "P"
    assert (step.measurement.status, step.status, step.parent.status) == ("F", "F", "P")
    assert report.evaluate() == "F"
    assert step.parent.status == "F"


def test_real_number_types_other_than_float_compare_as_numbers() -> None:
    class Reading(float):
        """Stands in for float subclasses such as numpy.float64."""

    assert numeric_passes("GELE", Fraction(1, 2), 0, Reading(0.5)) is True
    assert numeric_passes("LT", Reading(0.25), Fraction(1, 4), None) is False
    with pytest.raises(ReportValidationError, match=r"value: expected a number, got Decimal"):
        numeric_passes("GE", Decimal("1"), 0, None)
