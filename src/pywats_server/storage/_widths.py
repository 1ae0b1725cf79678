"""Column widths, read from the table definitions and nowhere else.

Every INSERT and UPDATE is checked before it reaches the driver: a text longer than its
`String(n)` column is refused as `Invalid`, naming the table and column, on SQLite (which would
store it) and PostgreSQL (which would refuse it with an error meant for people) alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from sqlalchemy import Engine, String, Table, event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.sql.dml import Insert, Update

from ._domain import Invalid

__all__ = ["check_widths", "install_width_check", "widths"]


@cache
def widths(table: Table) -> tuple[tuple[str, int], ...]:
    """(column key, width) of the table's text columns that have a width."""
    return tuple(
        (column.key, column.type.length)
        for column in table.columns
        if isinstance(column.type, String) and column.type.length is not None
    )


def check_widths(table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """Invalid naming `table.column` for the first text in `rows` longer than its column."""
    for column, width, value in _misfits(table, rows):
        raise Invalid(
            f"{table.name}.{column}: expected at most {width} characters, got {len(value)}"
        )


def _misfits(table: Table, rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, int, str]]:
    bounded = widths(table)
    for row in rows:
        for column, width in bounded:
            value = row.get(column)
            if isinstance(value, str) and len(value) > width:
                yield column, width, value


def install_width_check(engine: Engine) -> None:
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
