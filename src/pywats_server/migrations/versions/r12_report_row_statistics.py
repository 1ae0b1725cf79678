"""PostgreSQL: the planner told that step and measurement rows come some fifty to a report.

Revision ID: r12_report_row_statistics
Revises: r11_report_scope_index

ANALYZE estimates how many distinct reports `report_steps.report_pk` holds from a sample of
whole pages, and a report's rows share pages, so it saw ~50,000 reports among a million and
took every report for ~1,100 step rows. Top failed steps over one product and month then read
all 56 M step rows instead of the 7,319 matching reports' (9 s instead of under 0.5 s at a
million reports). A negative `n_distinct` fixes the count as a share of the rows: one report per
50 rows, the benchmark's report, and within a factor of a few of most (more steps a report
leaves the estimate too high, which still favours reading a report's rows by its key). It
applies from the next ANALYZE, run here. SQLite keeps exact counts per index and needs nothing.
"""

from __future__ import annotations

from alembic import op

revision = "r12_report_row_statistics"
down_revision: str | None = "r11_report_scope_index"
branch_labels: str | None = None
depends_on: str | None = None

TABLES = ("report_steps", "report_measurements")
ROWS_PER_REPORT = 50


def upgrade() -> None:
    _set(f"SET (n_distinct = {-1 / ROWS_PER_REPORT})")


def downgrade() -> None:
    _set("RESET (n_distinct)")


def _set(option: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN report_pk {option}")
    op.execute(f"ANALYZE {', '.join(TABLES)}")
