"""Folders of software packages (`/api/internal/Software/*PackageFolder`).

Revision ID: r8_software_folders
Revises: r7_software_downloads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r8_software_folders"
down_revision: str | None = "r7_software_downloads"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "software_package_folders",
        sa.Column("folder_id", sa.String(length=36), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["software_packages.package_id"],
            name=op.f("fk_software_package_folders_package_id_software_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("folder_id", name=op.f("pk_software_package_folders")),
        sa.UniqueConstraint(
            "package_id", "path", name=op.f("uq_software_package_folders_package_id_path")
        ),
    )
    op.create_index(
        op.f("ix_software_package_folders_package_id"),
        "software_package_folders",
        ["package_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_software_package_folders_package_id"), table_name="software_package_folders"
    )
    op.drop_table("software_package_folders")
