"""Asset files: the files kept with an asset (certificates, drawings, maintenance logs).

Revision ID: r4_asset_files
Revises: r3_production_extras

`asset_files` holds one row per (asset, file name) with the content inline, its size and
SHA-256, and when it was uploaded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r4_asset_files"
down_revision: str | None = "r3_production_extras"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "asset_files",
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_utc", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.asset_id"], name=op.f("fk_asset_files_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("asset_id", "file_name", name=op.f("pk_asset_files")),
    )


def downgrade() -> None:
    op.drop_table("asset_files")
