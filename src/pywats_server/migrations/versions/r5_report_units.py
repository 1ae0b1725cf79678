"""Per-unit outcomes kept at ingest, so dynamic yield need not number every run of every unit.

Revision ID: r5_report_units
Revises: r4_asset_files

`report_units` holds one row per (serial number, part number, process code) over UUT reports:
the pk of its first run, whether it passed at run 1, by run 2, by run 3 and at its last run,
its report count, passed reports and last start. Filled here from the stored reports.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r5_report_units"
down_revision: str | None = "r4_asset_files"
branch_labels: str | None = None
depends_on: str | None = None

_FILL = """
INSERT INTO report_units (serial_number, part_number, process_code, first_pk, fp, sp, tp, lp,
                          reports, passed, last_utc)
SELECT serial_number, part_number, process_code,
       MAX(CASE WHEN run = 1 THEN report_pk END),
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
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "report_units",
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("process_code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_pk", big_id, nullable=False),
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
    op.create_index(op.f("ix_report_units_first_pk"), "report_units", ["first_pk"])
    op.create_index(op.f("ix_report_units_part_number"), "report_units", ["part_number"])
    op.execute(_FILL)


def downgrade() -> None:
    op.drop_index(op.f("ix_report_units_part_number"), table_name="report_units")
    op.drop_index(op.f("ix_report_units_first_pk"), table_name="report_units")
    op.drop_table("report_units")
