"""Core statements built once, compiled once per dialect, and run on the driver's cursor.

`connection.execute(statement)` costs SQLAlchemy tens of microseconds of Python per call (cache
key, parameter processing, result wrapping) besides building the statement; saving a report runs
about ten small statements, so that overhead rivalled the database's own work. A `Prepared`
builds its statement once per shape (how many keys or rows it takes), compiles it once per
dialect, converts the parameters with the bind conversions SQLAlchemy would apply (literals in
the statement go with their own values) and the selected values with its result conversions,
and hands the SQL to the driver. Driver errors are raised as SQLAlchemy's (`IntegrityError`
and so on), as `execute` raises them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Connection, Dialect, and_, bindparam, or_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.types import TypeEngine

__all__ = [
    "CHUNK",
    "Prepared",
    "chunks",
    "driver_cursor",
    "equals_one_of",
    "numbered",
    "numbered_binds",
    "numbered_keys",
]

Converter = Callable[[Any], Any]
T = TypeVar("T")

# The most keys or rows one run takes: a batch of any size runs in a few shapes, each compiled
# once, and no statement grows past what a driver or planner handles well.
CHUNK = 32


def chunks(items: Sequence[T]) -> list[Sequence[T]]:
    """`items` in runs of at most `CHUNK`, in order."""
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def numbered(name: str, values: Sequence[Any]) -> dict[str, Any]:
    """Values for the binds of `numbered_binds(name, ...)`: name0, name1, ..."""
    return {f"{name}{index}": value for index, value in enumerate(values)}


def numbered_binds(name: str, type_: TypeEngine[Any], size: int) -> list[BindParameter[Any]]:
    """`size` binds of `type_` named name0, name1, ..., for a statement of that size."""
    return [bindparam(f"{name}{index}", type_=type_) for index in range(size)]


def equals_one_of(
    columns: Sequence[ColumnElement[Any]], fields: Sequence[str], size: int
) -> ColumnElement[bool]:
    """`columns` equal, together, one of `size` numbered keys (binds field0, field1, ... for
    each of `fields`, in the order of `columns`).

    Spelled as an OR of equalities: SQLite searches an index once per key for that, where it
    scans the whole table for a row-value IN list."""
    return or_(
        *(
            and_(
                *(
                    column == bindparam(f"{field}{index}", type_=column.type)
                    for field, column in zip(fields, columns, strict=True)
                )
            )
            for index in range(size)
        )
    )


def numbered_keys(fields: Sequence[str], keys: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Values for the binds of `equals_one_of(..., fields, len(keys))`."""
    return {
        f"{field}{index}": value
        for index, key in enumerate(keys)
        for field, value in zip(fields, key, strict=True)
    }


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # bind names, in placeholder order when positional
    given: tuple[str, ...]  # the names the caller gives values for
    fixed: tuple[tuple[str, Any], ...]  # binds with a value in the statement (literals)
    converters: tuple[tuple[str, Converter], ...]  # only the binds that convert
    positional: bool
    results: tuple[tuple[int, Converter], ...]  # selected columns that convert, by position

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        bound = {name: values[name] for name in self.given}
        bound.update(self.fixed)
        for name, convert in self.converters:
            bound[name] = convert(bound[name])
        return tuple(bound[name] for name in self.names) if self.positional else bound

    def rows(self, fetched: list[Any]) -> list[tuple[Any, ...]]:
        if not self.results:
            return [tuple(row) for row in fetched]
        converted = []
        for row in fetched:
            values = list(row)
            for index, convert in self.results:
                values[index] = convert(values[index])
            converted.append(tuple(values))
        return converted


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError("a prepared statement takes plain bind parameters, not expanding ones")
    names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
    unique = tuple(dict.fromkeys(names))
    fixed = tuple(
        (name, compiled.binds[name].value) for name in unique if not compiled.binds[name].required
    )
    given = tuple(name for name in unique if compiled.binds[name].required)
    converters = []
    for name in unique:
        convert = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters.append((name, convert))
    results = []
    for index, column in enumerate(getattr(statement, "exported_columns", ())):
        convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if convert is not None:
            results.append((index, convert))
    return _Compiled(
        str(compiled), names, given, fixed, tuple(converters), compiled.positional, tuple(results)
    )


@contextmanager
def driver_cursor(connection: Connection, sql: str, parameters: Any = None) -> Iterator[Any]:
    """A cursor of the connection's driver inside its transaction, closed after the block; a
    driver error in the block is raised as SQLAlchemy's (naming `sql`), as `execute` does."""
    dbapi = connection.dialect.loaded_dbapi
    cursor: Any = connection.connection.cursor()
    try:
        yield cursor
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, dbapi.Error) from exc
    finally:
        cursor.close()


class Prepared:
    """A statement made by `build(size)` for each size it is run with (a number of keys or
    rows the caller chose), compiled once per dialect and size."""

    def __init__(self, build: Callable[[int], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, str, int], _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Dialect, size: int) -> _Compiled:
        key = (dialect.name, dialect.paramstyle, size)
        found = self._compiled.get(key)
        if found is None:
            found = _compile(self._build(size), dialect)
            with self._lock:
                self._compiled.setdefault(key, found)
        return found

    def run(
        self, connection: Connection, values: Mapping[str, Any], size: int = 1
    ) -> list[tuple[Any, ...]]:
        """Run the statement of `size` with `values` (bind name -> value) in the connection's
        transaction; the rows it selects or returns (none for others), converted."""
        compiled = self._for(connection.dialect, size)
        parameters = compiled.parameters(values)
        with driver_cursor(connection, compiled.sql, parameters) as cursor:
            cursor.execute(compiled.sql, parameters)
            fetched = cursor.fetchall() if cursor.description is not None else []
        return compiled.rows(fetched)
