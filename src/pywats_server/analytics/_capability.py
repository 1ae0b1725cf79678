"""Process capability of a numeric measurement: Cp, Cpk and the 3-sigma band.

Which limits are specification limits follows the comparison operator (wsjf.md §12): the
two-limit operators that pass inside the band (`GELE`, `GELT`, `GTLE`, `GTLT`) give both; `GE`/`GT`
give only the lower limit and `LE`/`LT` only the upper one, which WSJF stores in `lowLimit`.
Other operators (logging, equality, pass-outside bands) give no capability.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["capability", "spec_limits"]

_BOTH = {"GELE", "GELT", "GTLE", "GTLT"}
_LOWER = {"GE", "GT"}
_UPPER = {"LE", "LT"}


def spec_limits(
    comp_op: str | None, low: float | None, high: float | None
) -> tuple[float | None, float | None]:
    """(lower, upper) specification limits of a measurement with these stored limits."""
    op = (comp_op or "").upper()
    if op in _BOTH:
        return low, high
    if op in _LOWER:
        return low, None
    if op in _UPPER:
        return None, low
    return None, None


def capability(
    mean: float | None, stdev: float | None, lower: float | None, upper: float | None
) -> dict[str, Any]:
    """`cp`, `cpk`, `cpLower`, `cpUpper`, `sigmaLow3`, `sigmaHigh3` (None where undefined).

    cpLower = (mean - LSL) / 3s, cpUpper = (USL - mean) / 3s, cpk = the smaller of those that
    exist, cp = (USL - LSL) / 6s with both limits; s is the sample standard deviation and must
    be positive.
    """
    result: dict[str, Any] = dict.fromkeys(
        ("cp", "cpk", "cpLower", "cpUpper", "sigmaLow3", "sigmaHigh3")
    )
    if mean is None or stdev is None:
        return result
    result["sigmaLow3"] = mean - 3 * stdev
    result["sigmaHigh3"] = mean + 3 * stdev
    if stdev <= 0 or not math.isfinite(stdev):
        return result
    if lower is not None:
        result["cpLower"] = (mean - lower) / (3 * stdev)
    if upper is not None:
        result["cpUpper"] = (upper - mean) / (3 * stdev)
    if lower is not None and upper is not None:
        result["cp"] = (upper - lower) / (6 * stdev)
    sides = [v for v in (result["cpLower"], result["cpUpper"]) if v is not None]
    result["cpk"] = min(sides) if sides else None
    return result
