"""Many rows into one table in one driver call, compiled once per table and dialect.

`connection.execute(table.insert(), rows)` builds and type-converts every row's parameters in
Python (about 10 µs a row); a report brings ~200 rows, so that cost rivalled the database's own
work. Here each row becomes a plain tuple with the bind conversions SQLAlchemy would apply, and
goes to the driver's cursor at once: SQLite's `executemany` of the compiled INSERT, and
PostgreSQL's `COPY ... FROM STDIN` (psycopg's pipelined `executemany` still sends one statement
per row). A single row goes to PostgreSQL as an INSERT: one round trip where COPY takes two,
and bytes sent as they are where COPY's text format spells them in hex (a report's document
is one row of ~25 kB).
Driver errors are raised as SQLAlchemy's (`IntegrityError` and so on), as `execute` raises them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table

from ._prepared import driver_cursor

__all__ = ["insert_rows"]


@dataclass(frozen=True)
class _Statement:
    sql: str  # INSERT in the dialect's parameter style (positional on PostgreSQL)
    copy: str | None  # COPY ... FROM STDIN on PostgreSQL
    names: tuple[str, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]
    positional: bool
    # A row's values in `names` order, picked in C; most columns need no conversion, so only
    # the positions of those that do are visited in Python.
    _pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = field(init=False, repr=False)
    _convert: tuple[tuple[int, Callable[[Any], Any]], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pick = itemgetter(*self.names)
        single = len(self.names) == 1
        object.__setattr__(self, "_pick", (lambda row: (pick(row),)) if single else pick)
        converting = tuple((i, c) for i, c in enumerate(self.converters) if c is not None)
        object.__setattr__(self, "_convert", converting)

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = self._pick(row)
        if self._convert:
            converted = list(values)
            for index, convert in self._convert:
                converted[index] = convert(converted[index])
            values = tuple(converted)
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
    if dialect.name == "postgresql":
        # Both written out with positional values, so one tuple per row serves either.
        quote = dialect.identifier_preparer.quote
        into = f"{quote(table.name)} ({', '.join(quote(name) for name in names)})"
        insert = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(names))})"
        statement = _Statement(
            insert, f"COPY {into} FROM STDIN", names, converters, positional=True
        )
    else:
        statement = _Statement(str(compiled), None, names, converters, compiled.positional)
    with _lock:
        _statements[key] = statement
    return statement


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` into `table`; every row must give a value (or None) for every column."""
    if not rows:
        return
    statement = _statement(table, connection.dialect)
    parameters = [statement.parameters(row) for row in rows]
    with driver_cursor(connection, statement.sql) as cursor:
        if statement.copy is None:
            cursor.executemany(statement.sql, parameters)
        elif len(parameters) == 1:
            cursor.execute(statement.sql, parameters[0])
        else:
            with cursor.copy(statement.copy) as copy:
                for values in parameters:
                    copy.write_row(values)
