"""Analytics indexes: failed steps by path, step executions by path, unit runs covering.

Revision ID: i6_analytics
Revises: i5_scim

- `ix_analytics_failed_steps` (report_pk, partial: status 'F'): top failed steps read only the
  failed step rows (a few percent of all), either all of them or those of the few reports a
  narrow filter selects.
- `ix_analytics_step_runs` (path, report_pk): counting how often the top failed steps ran is an
  index-only range scan per path.
- `ix_analytics_unit_runs`: numbering runs (window partitioned by unit, ordered by start) reads
  the index alone, in order, without sorting or visiting the report rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i6_analytics"
down_revision: str | None = "i5_scim"
branch_labels: str | None = None
depends_on: str | None = None

_FAILED = sa.text("status = 'F'")


def upgrade() -> None:
    op.create_index(
        "ix_analytics_failed_steps",
        "report_steps",
        ["report_pk"],
        sqlite_where=_FAILED,
        postgresql_where=_FAILED,
    )
    op.create_index("ix_analytics_step_runs", "report_steps", ["path", "report_pk"])
    op.create_index(
        "ix_analytics_unit_runs",
        "reports",
        [
            "serial_number",
            "part_number",
            "process_code",
            "start_utc",
            "report_pk",
            "report_type",
            "result",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_unit_runs", table_name="reports")
    op.drop_index("ix_analytics_step_runs", table_name="report_steps")
    op.drop_index("ix_analytics_failed_steps", table_name="report_steps")
