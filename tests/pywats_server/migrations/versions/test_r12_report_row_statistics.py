"""Migration `r12_report_row_statistics` gives PostgreSQL a distinct count for the report key
of the step and measurement rows (SQLite: nothing to do)."""

from __future__ import annotations

from pywats_server.migrations.versions.r12_report_row_statistics import ROWS_PER_REPORT, TABLES
from pywats_server.storage import Database, migrate

_OPTIONS = """
SELECT c.relname, a.attoptions FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE a.attname = 'report_pk' AND c.relname IN ('report_steps', 'report_measurements')
"""


def test_the_upgrade_sets_the_distinct_reports_of_the_rows(new_database: Database) -> None:
    migrate(new_database, "r11_report_scope_index")

    migrate(new_database)

    if new_database.is_sqlite:
        return
    with new_database.engine.connect() as connection:
        options = {table: attoptions for table, attoptions in connection.exec_driver_sql(_OPTIONS)}
    assert options == {table: [f"n_distinct={-1 / ROWS_PER_REPORT}"] for table in TABLES}
