"""WATS wildcard matching of text columns: `%` any run, `_` one character, `;` alternatives."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from ..storage._domain import wildcard_alternatives as alternatives

__all__ = ["alternatives", "match_text"]


def match_text(column: ColumnElement[Any], pattern: str) -> ColumnElement[bool]:
    """`column` matches one of the alternatives of `pattern` (`%`/`_` wildcards), split by the
    same rule as `storage._domain.wildcard_match` uses in Python.

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
