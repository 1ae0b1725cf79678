"""Assets: asset types, assets, asset tags and the asset log.

Revision ID: i5_assets
Revises: i5_production
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i5_assets"
down_revision: str | None = "i5_production"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "asset_types",
        sa.Column("type_id", sa.String(length=36), nullable=False),
        sa.Column("type_name", sa.String(length=200), nullable=False),
        sa.Column("running_count_limit", sa.Integer(), nullable=True),
        sa.Column("total_count_limit", sa.Integer(), nullable=True),
        sa.Column("maintenance_interval", sa.Float(), nullable=True),
        sa.Column("calibration_interval", sa.Float(), nullable=True),
        sa.Column("warning_threshold", sa.Float(), nullable=True),
        sa.Column("alarm_threshold", sa.Float(), nullable=True),
        sa.Column("is_readonly", sa.Boolean(), nullable=False),
        sa.Column("icon", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("type_id", name=op.f("pk_asset_types")),
        sa.UniqueConstraint("type_name", name=op.f("uq_asset_types_type_name")),
    )
    op.create_table(
        "assets",
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("type_id", sa.String(length=36), nullable=False),
        sa.Column("parent_asset_id", sa.String(length=36), nullable=True),
        sa.Column("asset_name", sa.String(length=200), nullable=True),
        sa.Column("part_number", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("first_seen_date", sa.DateTime(), nullable=True),
        sa.Column("last_seen_date", sa.DateTime(), nullable=True),
        sa.Column("last_calibration_date", sa.DateTime(), nullable=True),
        sa.Column("next_calibration_date", sa.DateTime(), nullable=True),
        sa.Column("last_maintenance_date", sa.DateTime(), nullable=True),
        sa.Column("next_maintenance_date", sa.DateTime(), nullable=True),
        sa.Column(
            "total_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "running_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["parent_asset_id"], ["assets.asset_id"], name=op.f("fk_assets_parent_asset_id_assets")
        ),
        sa.ForeignKeyConstraint(
            ["type_id"], ["asset_types.type_id"], name=op.f("fk_assets_type_id_asset_types")
        ),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_assets")),
        sa.UniqueConstraint("serial_number", name=op.f("uq_assets_serial_number")),
    )
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_parent_asset_id"), ["parent_asset_id"], unique=False
        )

    op.create_table(
        "asset_log",
        sa.Column(
            "log_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("date", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=True),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.asset_id"], name=op.f("fk_asset_log_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("log_id", name=op.f("pk_asset_log")),
    )
    with op.batch_alter_table("asset_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_log_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "asset_tags",
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.asset_id"], name=op.f("fk_asset_tags_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("asset_id", "key", name=op.f("pk_asset_tags")),
    )


def downgrade() -> None:
    op.drop_table("asset_tags")
    with op.batch_alter_table("asset_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_log_asset_id"))

    op.drop_table("asset_log")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_parent_asset_id"))

    op.drop_table("assets")
    op.drop_table("asset_types")
