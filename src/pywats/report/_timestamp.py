"""WATS date-time text kept verbatim, with parsed accessors: the one date-time parser.

WATS writes up to 7 fractional digits (100 ns ticks) and either `Z` or `+00:00` for UTC; Python's
`datetime` holds 6 digits, so the text itself is the stored value and parsing happens on demand.
The grammar (wsjf.md §3, which the OData filter syntax shares) is
`YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z|±HH:MM]`; the report model, the server's report index and its
OData literals all parse with it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import ClassVar

__all__ = ["Timestamp"]

_GRAMMAR = r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?"
_PATTERN = re.compile(_GRAMMAR + r"\Z")


class Timestamp(str):
    """An ISO 8601 date-time exactly as WATS wrote it (a `str`, so it serialises verbatim).

    `to_datetime()` parses it (fraction truncated to microseconds; no offset means naive);
    `ticks` gives the full 7-digit fraction in 100 ns units. Parsing errors name the text.
    """

    __slots__ = ()
    #: The grammar as a regular expression (unanchored, 8 groups), for tokenizers that must
    #: recognise a date-time inside longer text.
    GRAMMAR: ClassVar[str] = _GRAMMAR

    @classmethod
    def from_datetime(cls, value: datetime) -> Timestamp:
        """Format `value` the way WATS does: 7 fractional digits, offset as `±HH:MM`.

        A naive datetime is taken as local time and gets the local offset.
        """
        if value.tzinfo is None:
            value = value.astimezone()
        text = value.isoformat(timespec="microseconds")
        # isoformat gives 6 digits; WATS exports 7 (100 ns ticks), so pad the tick digit.
        return cls(f"{text[:26]}0{text[26:]}")

    @classmethod
    def now(cls) -> Timestamp:
        """The current local time with the local UTC offset."""
        return cls.from_datetime(datetime.now().astimezone())

    def _match(self) -> re.Match[str]:
        match = _PATTERN.match(self)
        if match is None:
            raise ValueError(
                f"{str(self)!r} is not a WATS date-time "
                "(expected YYYY-MM-DDTHH:MM:SS[.fffffff][Z|±HH:MM])"
            )
        return match

    def to_datetime(self) -> datetime:
        """The parsed value; sub-microsecond digits are dropped; no offset means naive.

        Raises ValueError naming the text when it breaks the grammar or names no real time
        (month 13, offset +25:00).
        """
        year, month, day, hour, minute, second, fraction, offset = self._match().groups()
        micro = int((fraction or "0").ljust(7, "0")[:6])
        try:
            tz: timezone | None = None
            if offset == "Z":
                tz = timezone.utc
            elif offset is not None:
                sign = -1 if offset[0] == "-" else 1
                tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
            return datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
            )
        except ValueError as exc:
            raise ValueError(f"{str(self)!r} is not a valid date-time: {exc}") from None

    def to_utc(self) -> datetime:
        """The instant as an aware UTC datetime; a text without offset is read as UTC.

        Raises ValueError naming the text when it fails `to_datetime`, or when its instant in
        UTC falls outside the years 1 to 9999 a datetime can hold (`0001-01-01T00:00:00+02:00`).
        """
        value = self.to_datetime()
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        try:
            return value.astimezone(timezone.utc)
        except OverflowError:
            raise ValueError(
                f"{str(self)!r} is outside the calendar in UTC "
                "(expected an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
            ) from None

    @property
    def ticks(self) -> int:
        """The fractional second in 100 ns units (0 to 9,999,999)."""
        fraction = self._match().group(7) or "0"
        return int(fraction.ljust(7, "0"))
