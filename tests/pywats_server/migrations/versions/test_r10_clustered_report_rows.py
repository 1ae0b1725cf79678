"""Migration `r10_clustered_report_rows` rebuilds the report child tables WITHOUT ROWID on
SQLite, keeping their rows and indexes (PostgreSQL: nothing changes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Table, inspect, select

from pywats_server.migrations.versions.r10_clustered_report_rows import TABLES
from pywats_server.storage import Database, migrate
from pywats_server.storage._migrate import alembic_config
from pywats_server.storage.report_tables import (
    report_assets,
    report_failures,
    report_measurements,
    report_misc_infos,
    report_steps,
    report_sub_units,
    reports,
)

BEFORE = "r9_unit_periods"


@pytest.fixture
def database_before(new_database: Database) -> Database:
    """A new database at the revision before the clustered child tables."""
    migrate(new_database, BEFORE)
    return new_database


def _store(connection: Connection, count: int) -> None:
    """`count` reports with rows in every child table, a report's rows in a shuffled order."""
    for n in range(count):
        start = datetime(2026, 6, 1, 8, n)
        pk = connection.scalar(
            reports.insert()
            .values(
                report_id=str(uuid.uuid4()), report_type="T", serial_number=f"CL-{n}",
                part_number="CL-PCBA", revision="A", process_code=100, result="P",
                start=start.isoformat() + "Z", start_utc=start, receive_count=1,
                report_size=100, received_utc=start,
            )
            .returning(reports.c.report_pk)
        )  # fmt: skip
        rows: dict[Table, list[dict[str, Any]]] = {
            report_steps: [
                {"step_order": i, "step_id": i, "parent_order": 0 if i else None,
                 "depth": int(i > 0), "path": f"Main¶Step {i}", "name": f"Step {i}",
                 "step_type": "ET_NLT",
                 "status": "F" if i == n % 4 else "P", "caused_uut_failure": False}
                for i in (3, 0, 2, 1)
            ],
            report_measurements: [
                {"meas_index": i, "step_order": i + 1, "path": f"Main¶Step {i + 1}", "kind": "N",
                 "comp_op": "GELE", "status": "P", "value": n + i / 10, "low_limit": 0.0,
                 "high_limit": 99.0, "unit": "V"}
                for i in (1, 0, 2)
            ],
            report_misc_infos: [
                {"idx": i, "description": f"Info {i}", "text": f"{n}-{i}", "numeric": i}
                for i in (1, 0)
            ],
            report_sub_units: [
                {"idx": 0, "part_type": "Board", "part_number": "CL-SUB", "serial_number": f"S{n}",
                 "revision": "B"}
            ],
            report_failures: [
                {"sub_unit_idx": 0, "failure_idx": i, "category": "Solder", "code": f"C{i}"}
                for i in (1, 0)
            ],
            report_assets: [{"idx": 0, "serial_number": f"FX-{n % 3}", "usage_count": n + 1}],
        }  # fmt: skip
        for table, values in rows.items():
            connection.execute(table.insert(), [{"report_pk": pk, **row} for row in values])


def _snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    tables = {table.name: table for table in (report_steps, report_measurements,
              report_misc_infos, report_sub_units, report_failures, report_assets)}  # fmt: skip
    with database.engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(select(table))))
            for name, table in tables.items()
        }


def _without_rowid(database: Database) -> dict[str, bool]:
    with database.engine.connect() as connection:
        return {
            table: connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            )
            .scalar_one()
            .endswith("WITHOUT ROWID")
            for table in TABLES
        }


def _indexes(database: Database) -> dict[str, list[str]]:
    inspector = inspect(database.engine)
    return {
        table: sorted(index["name"] or "" for index in inspector.get_indexes(table))
        for table in TABLES
    }


def test_the_upgrade_keeps_every_row_and_index(database_before: Database) -> None:
    with database_before.engine.begin() as connection:
        _store(connection, 12)
    before, indexes = _snapshot(database_before), _indexes(database_before)

    migrate(database_before, "r10_clustered_report_rows")

    assert _snapshot(database_before) == before
    assert all(before.values())
    assert _indexes(database_before) == indexes
    if database_before.is_sqlite:
        assert _without_rowid(database_before) == dict.fromkeys(TABLES, True)


def test_the_upgrade_keeps_the_planner_statistics(tmp_path: Path) -> None:
    # sqlite_stat1 (what ANALYZE gathered) is SQLite's.
    database = Database(f"sqlite:///{tmp_path / 'analyzed.db'}")
    migrate(database, BEFORE)
    with database.engine.begin() as connection:
        _store(connection, 12)
        connection.exec_driver_sql("ANALYZE")
    statistics = "SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx"
    with database.engine.connect() as connection:
        before = connection.exec_driver_sql(statistics).all()

    migrate(database, "r10_clustered_report_rows")

    with database.engine.connect() as connection:
        assert connection.exec_driver_sql(statistics).all() == before
    assert any(row.tbl == "report_steps" for row in before)
    database.dispose()


def test_the_downgrade_restores_rowid_tables_with_their_rows(database_before: Database) -> None:
    with database_before.engine.begin() as connection:
        _store(connection, 5)
    before = _snapshot(database_before)
    migrate(database_before)

    config = alembic_config()
    with database_before.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE)

    assert _snapshot(database_before) == before
    if database_before.is_sqlite:
        assert _without_rowid(database_before) == dict.fromkeys(TABLES, False)
