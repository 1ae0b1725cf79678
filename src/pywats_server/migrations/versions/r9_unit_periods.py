"""Units placed in periods, and a product's reports over a period read by one index range.

Revision ID: r9_unit_periods
Revises: r8_software_folders

Dynamic yield puts a unit in the period of its first run. With that start kept on the unit row
(`first_utc`, indexed alone and after the part number), yield over a date range reads only the
units of the range and, for the usual dimensions, never visits their first reports. The table
holds derived rows only, so it is rebuilt and refilled from the stored reports. Its two
indexes carry every column yield and the report counts per product sum, so those queries read
the indexes alone.

The reports index on (part number, process code, start) becomes (part number, start, process
code): analytics filter a product over a period without a process code, which the old order
could only serve by scanning every report of the period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r9_unit_periods"
down_revision: str | None = "r8_software_folders"
branch_labels: str | None = None
depends_on: str | None = None

# Every column yield and the report counts per product read, after the leading ones.
_SUMS = ["process_code", "fp", "sp", "tp", "lp", "reports", "passed", "last_utc"]

_FILL = """
INSERT INTO report_units (serial_number, part_number, process_code, first_pk, first_utc,
                          fp, sp, tp, lp, reports, passed, last_utc)
SELECT serial_number, part_number, process_code,
       MAX(CASE WHEN run = 1 THEN report_pk END), MIN(start_utc),
       MAX(CASE WHEN run = 1 AND result = 'P' THEN 1 ELSE 0 END),
       MAX(CASE WHEN run <= 2 AND result = 'P' THEN 1 ELSE 0 END),
       MAX(CASE WHEN run <= 3 AND result = 'P' THEN 1 ELSE 0 END),
       MAX(CASE WHEN last = 1 AND result = 'P' THEN 1 ELSE 0 END),
       COUNT(*), SUM(CASE WHEN result = 'P' THEN 1 ELSE 0 END), MAX(start_utc)
FROM (
    SELECT serial_number, part_number, process_code, report_pk, result, start_utc,
           ROW_NUMBER() OVER w AS run,
           CASE WHEN LEAD(report_pk) OVER w IS NULL THEN 1 ELSE 0 END AS last
    FROM reports
    WHERE report_type = 'T'
    WINDOW w AS (PARTITION BY serial_number, part_number, process_code
                 ORDER BY start_utc, report_pk)
) AS runs
GROUP BY serial_number, part_number, process_code
"""


def upgrade() -> None:
    op.drop_index(op.f("ix_report_units_part_number"), table_name="report_units")
    op.drop_index(op.f("ix_report_units_first_pk"), table_name="report_units")
    op.drop_table("report_units")
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "report_units",
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("process_code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_pk", big_id, nullable=False),
        sa.Column("first_utc", sa.DateTime(), nullable=False),
        sa.Column("fp", sa.Integer(), nullable=False),
        sa.Column("sp", sa.Integer(), nullable=False),
        sa.Column("tp", sa.Integer(), nullable=False),
        sa.Column("lp", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("last_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "serial_number", "part_number", "process_code", name=op.f("pk_report_units")
        ),
    )
    op.execute(_FILL)
    op.create_index(op.f("ix_report_units_first_pk"), "report_units", ["first_pk"])
    op.create_index(
        "ix_report_units_first_utc", "report_units", ["first_utc", "part_number", *_SUMS]
    )
    op.create_index(
        "ix_report_units_part_first_utc", "report_units", ["part_number", "first_utc", *_SUMS]
    )
    op.drop_index(op.f("ix_reports_part_number_process_code_start_utc"), table_name="reports")
    op.create_index(
        "ix_reports_part_start", "reports", ["part_number", "start_utc", "process_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_reports_part_start", table_name="reports")
    op.create_index(
        op.f("ix_reports_part_number_process_code_start_utc"),
        "reports",
        ["part_number", "process_code", "start_utc"],
    )
    op.drop_index("ix_report_units_part_first_utc", table_name="report_units")
    op.drop_index("ix_report_units_first_utc", table_name="report_units")
    op.create_index(op.f("ix_report_units_part_number"), "report_units", ["part_number"])
    op.drop_column("report_units", "first_utc")
