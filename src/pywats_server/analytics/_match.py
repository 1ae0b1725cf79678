"""WATS wildcard matching of text columns: `%` any run, `_` one character, `;` alternatives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

__all__ = ["alternatives", "match_text"]


def alternatives(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def match_text(column: ColumnElement[Any], pattern: str) -> ColumnElement[bool]:
    """`column` matches one of the `;`-separated alternatives of `pattern` (`%`/`_` wildcards).

    Matching is case-sensitive on both databases; an empty pattern matches everything.
    """
    conditions: list[ColumnElement[bool]] = []
    for item in alternatives(pattern):
        if "%" in item or "_" in item:
            conditions.append(column.like(item))
        else:
            conditions.append(column == item)
    if not conditions:
        return true()
    return conditions[0] if len(conditions) == 1 else or_(*conditions)
