"""The software download log (`/api/internal/Software/Log`, `GetPackageDownloadHistory`).

Revision ID: r7_software_downloads
Revises: r6_manual_inspection
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r7_software_downloads"
down_revision: str | None = "r6_manual_inspection"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "software_downloads",
        sa.Column("download_id", sa.String(length=36), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("package_name", sa.String(length=200), nullable=False),
        sa.Column("package_version", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("download_size", sa.BigInteger(), nullable=False),
        sa.Column("downloaded_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("download_id", name=op.f("pk_software_downloads")),
    )
    op.create_index(op.f("ix_software_downloads_client_id"), "software_downloads", ["client_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_software_downloads_client_id"), table_name="software_downloads")
    op.drop_table("software_downloads")
