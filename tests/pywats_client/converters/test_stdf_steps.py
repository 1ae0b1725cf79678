"""The STDF defaults rule, limit operators, statuses and R*4 printing."""

from __future__ import annotations

import math

import pytest

from pywats_client.converters._stdf_lookup import Lookup
from pywats_client.converters._stdf_steps import TestDefaults, flag_status, single
from pywats_client.converters._stdf_types import Ptr


def _ptr(opt: int | None, low: float | None, high: float | None, *, text: str = "",
         parm: int = 0, units: str | None = None, scale: int | None = None) -> Ptr:  # fmt: skip
    return Ptr(7, 1, 0, 0, parm, 1.0, text, "", opt, scale, scale, scale, low, high, units,
               None, None, None, None, None)  # fmt: skip


def test_later_records_take_omitted_or_invalid_fields_from_the_first() -> None:
    tests = TestDefaults(Lookup(test_names={7: "from TSR"}), strict_limits=False, scale=False)
    first = tests.resolve(_ptr(0x0E, 1.0, 2.0, text="vdd", units="V"))
    assert (first.name, first.comp, first.low, first.high, first.unit) == (
        "7 vdd",
        "GELE",
        1.0,
        2.0,
        "V",
    )
    omitted = tests.resolve(_ptr(None, None, None))
    assert (omitted.name, omitted.comp, omitted.low, omitted.high, omitted.unit) == (
        "7 vdd", "GELE", 1.0, 2.0, "V",
    )  # fmt: skip
    # OPT_FLAG bits 4 and 5: this record's limits are invalid, use the defaults.
    invalid = tests.resolve(_ptr(0x0E | 0x30, 9.0, 9.5, units="V"))
    assert (invalid.low, invalid.high) == (1.0, 2.0)
    # A value present in a later record applies to that record only.
    own = tests.resolve(_ptr(0x0E, 0.5, 2.5, units="V"))
    assert (own.low, own.high) == (0.5, 2.5)
    assert tests.resolve(_ptr(None, None, None)).low == 1.0


@pytest.mark.parametrize(
    ("opt", "parm", "strict", "comp"),
    [
        (0x0E, 0, False, "GELE"),
        (0x0E, 0, True, "GTLT"),
        (0x0E, 0x40, True, "GELT"),
        (0x0E | 0x40, 0, False, "LE"),
        (0x0E | 0x80, 0x40, True, "GE"),
        (0x0E | 0xC0, 0, False, "LOG"),
        (None, 0, False, "LOG"),
    ],
)
def test_limit_operators(opt: int | None, parm: int, strict: bool, comp: str) -> None:
    tests = TestDefaults(Lookup(), strict_limits=strict, scale=False)
    assert tests.resolve(_ptr(opt, 1.0, 2.0, parm=parm)).comp == comp


def test_test_name_falls_back_to_the_synopsis() -> None:
    tests = TestDefaults(Lookup(test_names={7: "leakage"}), strict_limits=False, scale=False)
    assert tests.resolve(_ptr(0x0E, 1.0, 2.0)).name == "7 leakage"


def test_scaling_prefixes_the_unit() -> None:
    tests = TestDefaults(Lookup(), strict_limits=False, scale=True)
    resolved = tests.resolve(_ptr(0x0E, 1e-6, 2e-6, units="A", scale=6))
    assert resolved.unit == "uA"
    assert math.isclose(resolved.low or 0, 1.0)
    assert math.isclose(resolved.high or 0, 2.0)


@pytest.mark.parametrize(
    ("flags", "status"),
    [(0, "P"), (0x80, "F"), (0x81, "E"), (0x08, "E"), (0x10, "S"), (0x20, "T"), (0xC0, "D")],
)
def test_flag_status(flags: int, status: str) -> None:
    assert flag_status(flags) == status


def test_single_precision_values_print_as_their_shortest_decimal() -> None:
    assert single(-0.8999999761581421) == -0.9
    assert single(-0.6616406440734863) == -0.66164064
    assert math.isnan(single(math.nan))
