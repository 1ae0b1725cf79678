"""Report shapes replace the path indexes of the step and measurement rows.

Revision ID: r13_report_shapes
Revises: r12_report_row_statistics

Each distinct step layout (the paths of a report's steps by order and of its measurements by
index) is stored once, in `report_shapes` and `report_shape_paths` (indexed by path), and a
report names its shape (`reports.shape_pk`, also the last column of `ix_reports_part_start`).
Analytics find a path's rows through the shapes holding it, so `ix_analytics_step_runs`
(path, report_pk) and `ix_report_measurements_path` go: each had a hot leaf page per distinct
path, and a save of a 101-step report wrote some two hundred pages for them. The shapes of the
stored reports are computed from their rows, as a save computes them (`fill_shapes`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pywats_server.storage._report_shapes import fill_shapes

revision = "r13_report_shapes"
down_revision: str | None = "r12_report_row_statistics"
branch_labels: str | None = None
depends_on: str | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_PART_START = ["part_number", "start_utc", "process_code", "report_type", "revision"]


def upgrade() -> None:
    op.create_table(
        "report_shapes",
        sa.Column("shape_pk", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("shape_pk", name=op.f("pk_report_shapes")),
        sa.UniqueConstraint("digest", name=op.f("uq_report_shapes_digest")),
    )
    op.create_table(
        "report_shape_paths",
        sa.Column("shape_pk", _BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shape_pk"],
            ["report_shapes.shape_pk"],
            name=op.f("fk_report_shape_paths_shape_pk_report_shapes"),
        ),
        sa.PrimaryKeyConstraint("shape_pk", "kind", "position", name=op.f("pk_report_shape_paths")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_report_shape_paths_path", "report_shape_paths", ["path", "kind", "shape_pk", "position"]
    )
    op.add_column("reports", sa.Column("shape_pk", _BIG_ID, nullable=True))
    fill_shapes(op.get_bind())
    op.drop_index("ix_reports_part_start", table_name="reports")
    op.create_index("ix_reports_part_start", "reports", [*_PART_START, "shape_pk"])
    op.drop_index("ix_analytics_step_runs", table_name="report_steps")
    op.drop_index(op.f("ix_report_measurements_path"), table_name="report_measurements")
    _analyze("reports", "report_shapes", "report_shape_paths")


def downgrade() -> None:
    op.create_index(op.f("ix_report_measurements_path"), "report_measurements", ["path"])
    op.create_index("ix_analytics_step_runs", "report_steps", ["path", "report_pk"])
    op.drop_index("ix_reports_part_start", table_name="reports")
    op.drop_column("reports", "shape_pk")
    op.create_index("ix_reports_part_start", "reports", _PART_START)
    op.drop_index("ix_report_shape_paths_path", table_name="report_shape_paths")
    op.drop_table("report_shape_paths")
    op.drop_table("report_shapes")
    _analyze("reports")


def _analyze(*tables: str) -> None:
    """Gather the planner statistics of `tables` and their indexes (SQLite: only when ANALYZE
    ran on the database before; a recreated index has none, see r11)."""
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(f"ANALYZE {', '.join(tables)}")
        return
    analyzed = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).scalar()
    if analyzed:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table}")
