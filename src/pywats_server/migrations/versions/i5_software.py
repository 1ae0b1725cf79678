"""Software distribution: packages, package tags and package files.

Revision ID: i5_software
Revises: i5_assets
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i5_software"
down_revision: str | None = "i5_assets"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "software_packages",
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("install_on_root", sa.Boolean(), nullable=False),
        sa.Column("root_directory", sa.String(length=500), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.Column("modified_utc", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("modified_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_software_packages")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_software_packages_name_version")),
    )
    op.create_table(
        "software_package_files",
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("attributes", sa.String(length=200), nullable=True),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.Column("modified_utc", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["software_packages.package_id"],
            name=op.f("fk_software_package_files_package_id_software_packages"),
        ),
        sa.PrimaryKeyConstraint("file_id", name=op.f("pk_software_package_files")),
        sa.UniqueConstraint(
            "package_id", "path", name=op.f("uq_software_package_files_package_id_path")
        ),
    )
    with op.batch_alter_table("software_package_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_software_package_files_package_id"), ["package_id"], unique=False
        )

    op.create_table(
        "software_package_tags",
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["software_packages.package_id"],
            name=op.f("fk_software_package_tags_package_id_software_packages"),
        ),
        sa.PrimaryKeyConstraint("package_id", "key", name=op.f("pk_software_package_tags")),
    )


def downgrade() -> None:
    op.drop_table("software_package_tags")
    with op.batch_alter_table("software_package_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_software_package_files_package_id"))

    op.drop_table("software_package_files")
    op.drop_table("software_packages")
