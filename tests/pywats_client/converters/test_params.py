"""Converter parameter declarations and validation."""

from __future__ import annotations

import pytest

from pywats_client.converters import (
    COMMON_PARAMETERS,
    Parameter,
    ParameterError,
    SiteDefaults,
    validate_parameters,
)


def test_defaults_fill_every_declared_parameter() -> None:
    values = validate_parameters(COMMON_PARAMETERS, None)
    assert values["encoding"] == "utf-8"
    assert values["decimal_comma"] is False
    assert values["part_number"] is None
    defaults = SiteDefaults.from_values(values)
    assert defaults.encoding == "utf-8"
    assert defaults.operation_code is None


def test_given_values_are_typed() -> None:
    values = validate_parameters(
        COMMON_PARAMETERS, {"operation_code": 10, "decimal_comma": True, "part_number": "PN-1"}
    )
    defaults = SiteDefaults.from_values(values)
    assert defaults.operation_code == 10
    assert defaults.decimal_comma is True
    assert defaults.part_number == "PN-1"


def test_int_is_accepted_for_float() -> None:
    declared = (Parameter("scale", float, 1.0, "Scale factor."),)
    assert validate_parameters(declared, {"scale": 2}) == {"scale": 2.0}


@pytest.mark.parametrize(
    ("given", "key", "expected"),
    [
        ({"part_numbr": "X"}, "part_numbr", "unknown parameter"),
        ({"operation_code": "10"}, "operation_code", "expected an integer"),
        ({"operation_code": True}, "operation_code", "expected an integer"),
        ({"operation_code": -1}, "operation_code", "non-negative"),
        ({"decimal_comma": "yes"}, "decimal_comma", "expected true or false"),
        ({"encoding": "klingon-8"}, "encoding", "unknown text encoding"),
        ({"encoding": None}, "encoding", "got nothing"),
    ],
)
def test_bad_values_name_the_key(given: dict[str, object], key: str, expected: str) -> None:
    with pytest.raises(ParameterError, match=expected) as caught:
        validate_parameters(COMMON_PARAMETERS, given)
    assert caught.value.key == key
    assert repr(key) in str(caught.value)


def test_choices_are_enforced() -> None:
    declared = (Parameter("mode", str, "row", "Layout.", choices=("row", "unit")),)
    assert validate_parameters(declared, {"mode": "unit"}) == {"mode": "unit"}
    with pytest.raises(ParameterError, match="expected one of 'row', 'unit'"):
        validate_parameters(declared, {"mode": "column"})


def test_parameter_kind_is_checked_at_declaration() -> None:
    with pytest.raises(TypeError, match="kind"):
        Parameter("when", list, None, "Unsupported kind.")
