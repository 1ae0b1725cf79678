"""Reading rules shared by the in-circuit tester text logs (Teradyne GR228X and Spectrum, Keysight
i3070): code-page decoding line by line, control characters dropped, two-digit years, exact
decimal rescaling, and the parameter set these converters start from.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from pywats_client.converters._base import Source
from pywats_client.converters._mapping import TIMEZONE_PARAMETER
from pywats_client.converters._params import COMMON_PARAMETERS, Parameter

__all__ = ["decimal", "expand_year", "ict_parameters", "read_lines", "shifted"]

# Control characters are not valid in XML and never carry meaning in these logs; the reference
# converters delete them before matching, and so do we (TAB is kept).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\ufffe\uffff]")


def ict_parameters(operation_code: int) -> tuple[Parameter, ...]:
    """The common parameters with the testers' defaults (code page 1252 text, the reference's
    operation code), plus `timezone` for the files' zone-less times."""
    adjusted = []
    for parameter in COMMON_PARAMETERS:
        if parameter.name == "encoding":
            parameter = Parameter("encoding", str, "cp1252", parameter.help, check=parameter.check)
        elif parameter.name == "operation_code":
            parameter = Parameter(
                "operation_code", int, operation_code, parameter.help, check=parameter.check
            )
        adjusted.append(parameter)
    return (*adjusted, TIMEZONE_PARAMETER)


def read_lines(source: Source, encoding: str) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, split on CR LF, LF or CR, without the line end and
    with control characters removed. Streams: only one line is decoded at a time.

    Raises ConversionError naming the line whose bytes are not valid in `encoding`.
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    lines = io.TextIOWrapper(source.stream(), encoding=codec, newline=None)
    number = 0
    try:
        for number, line in enumerate(lines, 1):
            yield number, _CONTROL.sub("", line)
    except UnicodeDecodeError:
        raise source.error(
            f"not valid {encoding} text (set the converter's 'encoding' parameter)",
            f"line {number + 1}",
        ) from None


def expand_year(two_digits: int) -> int:
    """A two-digit year the way the testers' Windows software reads it: 00-29 → 2000-2029,
    30-99 → 1930-1999 (Python's %y pivots at 69 instead)."""
    return 2000 + two_digits if two_digits <= 29 else 1900 + two_digits


def decimal(text: str, decimal_comma: bool = False) -> Decimal | None:
    """`text` as an exact decimal number (sign, exponent, `inf`/`nan` allowed), or None."""
    cleaned = text.strip()
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
    if not cleaned or "_" in cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def shifted(number: Decimal, exponent: int) -> float:
    """`number` × 10**`exponent` rounded once to a float, so 1.198020E+05 Ω in MΩ is 0.119802
    and not the 0.11980199999999999 a binary multiplication gives."""
    if not number.is_finite():
        return float(number)
    try:
        return float(number.scaleb(exponent))
    except ArithmeticError:  # beyond the decimal context: a float overflow or underflow anyway
        return float(number) * 10.0**exponent
