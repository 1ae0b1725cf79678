"""Outcomes the domain stores report to the client: not found, conflict, invalid input.

They are `ApiError`s so the app's one error handler answers them in the WATS error shape; the
message always names the entity or field and what was expected.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from .._errors import ApiError

__all__ = [
    "Conflict",
    "Invalid",
    "NotFound",
    "as_utc",
    "new_id",
    "utcnow",
    "wildcard_alternatives",
    "wildcard_match",
]


class NotFound(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(404, message)


class Conflict(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


class Invalid(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Naive UTC: the tables store UTC without an offset."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def wildcard_alternatives(pattern: str) -> list[str]:
    """The one rule for WATS filter text (§3.3): `;` separates alternatives, blanks around
    each are not part of it (`'A; B'` is `A` or `B`), empty alternatives are dropped."""
    return [part.strip() for part in pattern.split(";") if part.strip()]


def wildcard_match(pattern: str, value: str) -> bool:
    """WATS filter wildcards (§3.3): `%` any run, `_` one character, alternatives as
    `wildcard_alternatives` splits them; a pattern without any matches everything."""
    alternatives = wildcard_alternatives(pattern)
    if not alternatives:
        return True
    for alternative in alternatives:
        regex = "".join(
            ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in alternative
        )
        if re.fullmatch(regex, value):
            return True
    return False


def as_utc(value: datetime | None) -> datetime | None:
    """A naive-UTC datetime from a datetime (aware, or naive meaning UTC) or None."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value
