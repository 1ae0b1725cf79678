"""`insert_rows` stores what SQLAlchemy's own executemany stores, on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.exc import IntegrityError

from pywats_server.storage import Database
from pywats_server.storage._bulk_insert import insert_rows

ROWS: list[dict[str, Any]] = [
    {"pk": 1, "flag": True, "value": 3.25, "count": 7, "name": "Rail ¶ 1", "body": b"\x00\xff"},
    {"pk": 2, "flag": False, "value": None, "count": None, "name": "", "body": b""},
    {"pk": 3, "flag": False, "value": -1e-300, "count": -2, "name": "x" * 300, "body": b"a"},
]


def _table(metadata: MetaData, name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("pk", Integer, primary_key=True, autoincrement=False),
        Column("flag", Boolean, nullable=False),
        Column("value", Float),
        Column("count", Integer),
        Column("name", Text, nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("note", String(20)),
    )


@pytest.fixture
def tables(server_db_url: str) -> Iterator[tuple[Database, Table, Table]]:
    database = Database(server_db_url)
    metadata = MetaData()
    suffix = secrets.token_hex(3)
    ours, theirs = _table(metadata, f"bulk_ours_{suffix}"), _table(metadata, f"bulk_sa_{suffix}")
    metadata.create_all(database.engine)
    try:
        yield database, ours, theirs
    finally:
        metadata.drop_all(database.engine)
        database.dispose()


def _stored(database: Database, table: Table) -> list[tuple[Any, ...]]:
    with database.engine.connect() as connection:
        rows = connection.execute(select(table).order_by(table.c.pk)).all()
    return [tuple((value, type(value)) for value in row) for row in rows]


def test_rows_match_sqlalchemy_executemany(tables: tuple[Database, Table, Table]) -> None:
    database, ours, theirs = tables
    rows = [{**row, "note": None} for row in ROWS]
    with database.engine.begin() as connection:
        insert_rows(connection, ours, rows)
        connection.execute(theirs.insert(), rows)
    assert _stored(database, ours) == _stored(database, theirs)
    assert [row[1][0] for row in _stored(database, ours)] == [True, False, False]


def test_the_statement_is_reused_across_calls(tables: tuple[Database, Table, Table]) -> None:
    database, ours, _ = tables
    rows = [{**row, "note": "n"} for row in ROWS]
    for row in rows:
        with database.engine.begin() as connection:
            insert_rows(connection, ours, [row])
    assert [row[0][0] for row in _stored(database, ours)] == [1, 2, 3]


def test_no_rows_is_a_no_op_and_a_missing_column_fails(
    tables: tuple[Database, Table, Table],
) -> None:
    database, ours, _ = tables
    with database.engine.begin() as connection:
        insert_rows(connection, ours, [])
    with pytest.raises(KeyError, match="note"), database.engine.begin() as connection:
        insert_rows(connection, ours, ROWS)
    assert _stored(database, ours) == []


def test_a_duplicate_key_raises_sqlalchemy_integrity_error(
    tables: tuple[Database, Table, Table],
) -> None:
    database, ours, _ = tables
    rows = [{**ROWS[0], "note": None}, {**ROWS[1], "pk": ROWS[0]["pk"], "note": None}]
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        insert_rows(connection, ours, rows)
    assert _stored(database, ours) == []


def test_single_rows_match_sqlalchemy_and_a_duplicate_raises_integrity_error(
    tables: tuple[Database, Table, Table],
) -> None:
    # One row takes another path on PostgreSQL (an INSERT instead of COPY).
    database, ours, theirs = tables
    rows = [{**row, "note": "n"} for row in ROWS]
    with database.engine.begin() as connection:
        for row in rows:
            insert_rows(connection, ours, [row])
            connection.execute(theirs.insert(), [row])
    assert _stored(database, ours) == _stored(database, theirs)
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        insert_rows(connection, ours, [rows[0]])
    assert len(_stored(database, ours)) == len(rows)
