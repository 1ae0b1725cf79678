"""A product's reports over a period found from one index alone.

Revision ID: r11_report_scope_index
Revises: r10_clustered_report_rows

`ix_reports_part_start` (part number, start, process code) also carries the report type and the
revision. Analytics over one product and period select UUT reports (`report_type = 'T'`) and
group by revision; with both in the index, finding the matching reports reads the index range
alone instead of visiting each report's row (over a month of one product at a million reports,
7,319 row visits for each of the three statements of top failed steps). Prefixes of the index
serve every query the narrower one did; a report still writes one entry.
"""

from __future__ import annotations

from alembic import op

revision = "r11_report_scope_index"
down_revision: str | None = "r10_clustered_report_rows"
branch_labels: str | None = None
depends_on: str | None = None

_NAME = "ix_reports_part_start"
_COLUMNS = ["part_number", "start_utc", "process_code"]


def upgrade() -> None:
    op.drop_index(_NAME, table_name="reports")
    op.create_index(_NAME, "reports", [*_COLUMNS, "report_type", "revision"])
    _analyze()


def downgrade() -> None:
    op.drop_index(_NAME, table_name="reports")
    op.create_index(_NAME, "reports", _COLUMNS)
    _analyze()


def _analyze() -> None:
    """Gather the new index's planner statistics when the database has them (ANALYZE ran on
    it; SQLite only): dropping the index dropped its statistics, and without them SQLite takes
    a part number for far more selective than it is and reads a whole product through this
    index, where dynamic yield reads the product's units over the period."""
    connection = op.get_bind()
    analyzed = (
        connection.dialect.name == "sqlite"
        and connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        ).scalar()
    )
    if analyzed:
        connection.exec_driver_sql(f"ANALYZE {_NAME}")
