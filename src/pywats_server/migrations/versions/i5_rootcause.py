"""Root cause: tickets, ticket tags, ticket updates and attachments.

Revision ID: i5_rootcause
Revises: i5_software
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i5_rootcause"
down_revision: str | None = "i5_software"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column(
            "ticket_number",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=True),
        sa.Column("report_uuid", sa.String(length=36), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.Column("updated_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_number", name=op.f("pk_tickets")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_tickets_ticket_id")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_status"), ["status"], unique=False)

    op.create_table(
        "ticket_tags",
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.ticket_id"], name=op.f("fk_ticket_tags_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("ticket_id", "key", name=op.f("pk_ticket_tags")),
    )
    op.create_table(
        "ticket_updates",
        sa.Column(
            "update_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("update_id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("update_utc", sa.DateTime(), nullable=False),
        sa.Column("update_user", sa.String(length=100), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("update_type", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.ticket_id"], name=op.f("fk_ticket_updates_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("update_pk", name=op.f("pk_ticket_updates")),
        sa.UniqueConstraint("update_id", name=op.f("uq_ticket_updates_update_id")),
    )
    with op.batch_alter_table("ticket_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_updates_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "ticket_attachments",
        sa.Column("attachment_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_utc", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=True),
        sa.Column("update_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["ticket_updates.update_id"],
            name=op.f("fk_ticket_attachments_update_id_ticket_updates"),
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_ticket_attachments")),
    )
    with op.batch_alter_table("ticket_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_attachments_update_id"), ["update_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_attachments_update_id"))

    op.drop_table("ticket_attachments")
    with op.batch_alter_table("ticket_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_updates_ticket_id"))

    op.drop_table("ticket_updates")
    op.drop_table("ticket_tags")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_status"))

    op.drop_table("tickets")
