"""Column widths and NOT NULL, read from the table definitions and nowhere else.

Every INSERT and UPDATE is checked before it reaches the driver: a text longer than its
`String(n)` column, or a null for a column that holds none, is refused as `Invalid`, naming the
table and column, on SQLite (which would store the text) and PostgreSQL (which would refuse
with an error meant for people) alike. Request models need not repeat either rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from sqlalchemy import Engine, String, Table, event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.sql.dml import Insert, Update

from ._domain import Invalid

__all__ = ["check_widths", "install_column_checks", "not_null", "widths"]


@cache
def widths(table: Table) -> tuple[tuple[str, int], ...]:
    """(column key, width) of the table's text columns that have a width."""
    return tuple(
        (column.key, column.type.length)
        for column in table.columns
        if isinstance(column.type, String) and column.type.length is not None
    )


@cache
def not_null(table: Table) -> frozenset[str]:
    """Keys of the table's columns that hold no NULL."""
    return frozenset(column.key for column in table.columns if not column.nullable)


def check_widths(table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """Invalid naming `table.column` for the first text in `rows` longer than its column, or
    the first null bound to a column that holds none."""
    required = not_null(table)
    for row in rows:
        for column, width, value in _misfits(table, (row,)):
            raise Invalid(
                f"{table.name}.{column}: expected at most {width} characters, got {len(value)}"
            )
        for column in required.intersection(row):
            if row[column] is None:
                raise Invalid(f"{table.name}.{column}: expected a value, got null")


def _misfits(table: Table, rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, int, str]]:
    bounded = widths(table)
    for row in rows:
        for column, width in bounded:
            value = row.get(column)
            if isinstance(value, str) and len(value) > width:
                yield column, width, value


def install_column_checks(engine: Engine) -> None:
    """Check the values of every INSERT and UPDATE the engine runs against their columns."""

    def before_cursor_execute(
        _connection: Connection,
        _cursor: Any,
        _statement: str,
        _parameters: Any,
        context: ExecutionContext | None,
        _executemany: bool,
    ) -> None:
        compiled = getattr(context, "compiled", None)
        statement = getattr(compiled, "statement", None)
        if isinstance(statement, (Insert, Update)) and isinstance(statement.table, Table):
            # Values bind under their column keys; a WHERE clause's binds are named apart.
            check_widths(statement.table, getattr(context, "compiled_parameters", ()))

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
