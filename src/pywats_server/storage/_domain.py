"""Outcomes the domain stores report to their caller: not found, conflict, invalid input.

They know nothing of HTTP: the app's one exception handler (`pywats_server._errors`) maps each
kind to its status code and the WATS error shape. The message always names the entity or field
and what was expected.
"""

from __future__ import annotations

import enum
import re
import uuid
from datetime import datetime, timezone

__all__ = [
    "KEEP",
    "Conflict",
    "DomainError",
    "Invalid",
    "Keep",
    "NotFound",
    "as_utc",
    "new_id",
    "utcnow",
    "wildcard_alternatives",
    "wildcard_match",
]


class DomainError(Exception):
    """A request a store cannot carry out; `message` names the entity or field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The entity the request names does not exist."""


class Conflict(DomainError):
    """The request contradicts the stored state (a duplicate name, a cycle, a used entity)."""


class Invalid(DomainError):
    """A value in the request breaks a rule of the domain."""


class Keep(enum.Enum):
    """The value of an edit's field that leaves the stored value as it is."""

    KEEP = "keep"


#: An edit's field left out of the request: the stored value stays (None would clear it).
KEEP = Keep.KEEP


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
