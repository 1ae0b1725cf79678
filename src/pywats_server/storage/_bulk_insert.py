"""Many rows into one table through the driver's `executemany`, compiled once per dialect.

`connection.execute(table.insert(), rows)` builds and type-converts every row's parameters in
Python (about 10 µs a row); a report brings ~200 rows, so that cost rivalled the database's own
work. Here the INSERT is compiled once per table and dialect, and each row becomes a plain tuple
(or dict, for named parameter styles) with the same bind conversions SQLAlchemy would apply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Table

__all__ = ["insert_rows"]


@dataclass(frozen=True)
class _Statement:
    sql: str
    names: tuple[str, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]
    positional: bool

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = tuple(
            row[name] if convert is None else convert(row[name])
            for name, convert in zip(self.names, self.converters, strict=True)
        )
        return values if self.positional else dict(zip(self.names, values, strict=True))


_statements: dict[tuple[Table, str, str], _Statement] = {}
_lock = threading.Lock()


def _statement(table: Table, dialect: Dialect) -> _Statement:
    key = (table, dialect.name, dialect.paramstyle)
    with _lock:
        found = _statements.get(key)
    if found is not None:
        return found
    compiled = table.insert().compile(dialect=dialect)
    names = tuple(compiled.positiontup or compiled.binds)
    converters = tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    statement = _Statement(str(compiled), names, converters, compiled.positional)
    with _lock:
        _statements[key] = statement
    return statement


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` into `table`; every row must give a value (or None) for every column."""
    if not rows:
        return
    statement = _statement(table, connection.dialect)
    connection.exec_driver_sql(statement.sql, [statement.parameters(row) for row in rows])
