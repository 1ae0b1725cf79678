"""Drop two indexes that wider ones already serve, to save their page writes on every ingest.

Revision ID: r1_indexes
Revises: i6_analytics

- `ix_report_steps_path`: `ix_analytics_step_runs` (path, report_pk) begins with `path`.
- `ix_reports_serial_number_part_number_process_code_start_utc`: `ix_analytics_unit_runs`
  begins with the same four columns.
"""

from __future__ import annotations

from alembic import op

revision = "r1_indexes"
down_revision: str | None = "i6_analytics"
branch_labels: str | None = None
depends_on: str | None = None

_UNIT = ["serial_number", "part_number", "process_code", "start_utc"]


def upgrade() -> None:
    op.drop_index("ix_report_steps_path", table_name="report_steps")
    op.drop_index(
        "ix_reports_serial_number_part_number_process_code_start_utc", table_name="reports"
    )


def downgrade() -> None:
    op.create_index("ix_reports_serial_number_part_number_process_code_start_utc", "reports", _UNIT)
    op.create_index("ix_report_steps_path", "report_steps", ["path"])
