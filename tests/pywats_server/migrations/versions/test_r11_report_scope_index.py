"""Migration `r11_report_scope_index` widens the product index and, on an analyzed SQLite
database, gathers its statistics again."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect

from pywats_server.storage import Database, migrate
from pywats_server.storage.report_tables import reports

_STATISTICS = "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_reports_part_start'"


def _columns(database: Database) -> list[str | None]:
    indexes = inspect(database.engine).get_indexes("reports")
    return next(i["column_names"] for i in indexes if i["name"] == "ix_reports_part_start")


def test_the_upgrade_widens_the_index(new_database: Database) -> None:
    migrate(new_database, "r10_clustered_report_rows")
    migrate(new_database, "r11_report_scope_index")
    assert _columns(new_database) == [
        "part_number", "start_utc", "process_code", "report_type", "revision"
    ]  # fmt: skip


def test_an_analyzed_database_keeps_statistics_of_the_index(tmp_path: Path) -> None:
    # sqlite_stat1 (what ANALYZE gathered) is SQLite's.
    database = Database(f"sqlite:///{tmp_path / 'analyzed.db'}")
    migrate(database, "r10_clustered_report_rows")
    with database.engine.begin() as connection:
        for n in range(3):
            start = datetime(2026, 6, 1, 8, n)
            connection.execute(
                reports.insert().values(
                    report_id=str(uuid.uuid4()), report_type="T", serial_number=f"IX-{n}",
                    part_number="IX-PCBA", revision="A", process_code=100, result="P",
                    start=start.isoformat() + "Z", start_utc=start, receive_count=1,
                    report_size=100, received_utc=start,
                )
            )  # fmt: skip
        connection.exec_driver_sql("ANALYZE")

    migrate(database)

    with database.engine.connect() as connection:
        assert connection.exec_driver_sql(_STATISTICS).all() != []
    database.dispose()


def test_a_database_never_analyzed_stays_so(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'plain.db'}")
    migrate(database)
    with database.engine.connect() as connection:
        analyzed = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).all()
    assert analyzed == []
    database.dispose()
