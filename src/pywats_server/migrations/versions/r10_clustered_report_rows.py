"""Report child rows clustered by report on SQLite (tables WITHOUT ROWID).

Revision ID: r10_clustered_report_rows
Revises: r9_unit_periods

The step, measurement, misc info, sub-unit, failure and asset rows are keyed by (report_pk,
index). On SQLite such a table was a rowid table plus a separate index of that key, so reading
a report's steps looked each one up twice, and every insert wrote two B-trees. A table WITHOUT
ROWID is the B-tree of its primary key: a report's rows lie together, are read in one range,
and are written once. Counting how often the top failed steps ran over one product and month
reads every matching report's steps this way.

SQLite cannot change this on an existing table: each table is created again with its own
stored definition plus WITHOUT ROWID, its rows copied over and its indexes created again.
A large database takes a while (minutes per ten million rows). PostgreSQL has no rowid and is
left as it is.
"""

from __future__ import annotations

from alembic import op

revision = "r10_clustered_report_rows"
down_revision: str | None = "r9_unit_periods"
branch_labels: str | None = None
depends_on: str | None = None

TABLES = (
    "report_steps",
    "report_measurements",
    "report_misc_infos",
    "report_sub_units",
    "report_failures",
    "report_assets",
)
_WITHOUT_ROWID = " WITHOUT ROWID"


def upgrade() -> None:
    for table in TABLES:
        _rebuild(table, without_rowid=True)


def downgrade() -> None:
    for table in TABLES:
        _rebuild(table, without_rowid=False)


def _rebuild(table: str, *, without_rowid: bool) -> None:
    """Create `table` again from its stored definition, with or without a rowid, keeping its
    rows and indexes (SQLite only)."""
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    create = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    indexes = (
        connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        )
        .scalars()
        .all()
    )
    # Planner statistics (ANALYZE) of the table go with it: kept, they describe the same rows.
    statistics = _statistics(table)
    create = create.removesuffix(_WITHOUT_ROWID)
    if without_rowid:
        create += _WITHOUT_ROWID
    # The new table takes the old one's name once the old one is gone: nothing references these
    # tables, and their indexes are dropped with the old table and made again on the new one.
    temporary = f"_r10_{table}"
    connection.exec_driver_sql(create.replace(table, temporary, 1))
    connection.exec_driver_sql(f"INSERT INTO {temporary} SELECT * FROM {table}")
    connection.exec_driver_sql(f"DROP TABLE {table}")
    connection.exec_driver_sql(f"ALTER TABLE {temporary} RENAME TO {table}")
    for index in indexes:
        connection.exec_driver_sql(index)
    if statistics:
        connection.exec_driver_sql(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", statistics
        )


def _statistics(table: str) -> list[tuple[str, str | None, str]]:
    """The sqlite_stat1 rows of `table`; none when ANALYZE never ran on the database."""
    connection = op.get_bind()
    analyzed = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).scalar()
    if not analyzed:
        return []
    rows = connection.exec_driver_sql(
        "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ?", (table,)
    )
    return [tuple(row) for row in rows]
