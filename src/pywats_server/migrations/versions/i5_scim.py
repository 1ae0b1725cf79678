"""SCIM users.

Revision ID: i5_scim
Revises: i5_rootcause
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i5_scim"
down_revision: str | None = "i5_rootcause"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "scim_users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("user_name_key", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("given_name", sa.String(length=200), nullable=True),
        sa.Column("family_name", sa.String(length=200), nullable=True),
        sa.Column("formatted_name", sa.String(length=400), nullable=True),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("last_modified", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_users")),
        sa.UniqueConstraint("user_name_key", name=op.f("uq_scim_users_user_name_key")),
    )


def downgrade() -> None:
    op.drop_table("scim_users")
