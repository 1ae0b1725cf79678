"""Manual inspection: test sequence definitions and their relations (rest-api.md §14).

Revision ID: r6_manual_inspection
Revises: r5_report_units
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r6_manual_inspection"
down_revision: str | None = "r5_report_units"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "mi_definitions",
        sa.Column("definition_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("virtual_folder_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("is_global", sa.Boolean(), nullable=False),
        sa.Column("on_fail_goto_cleanup", sa.Boolean(), nullable=False),
        sa.Column("on_fail_require_submit", sa.Boolean(), nullable=False),
        sa.Column("on_fail_require_repair", sa.Integer(), nullable=False),
        sa.Column("log_operator", sa.Boolean(), nullable=False),
        sa.Column("log_description", sa.Boolean(), nullable=False),
        sa.Column("create_unsubmitted_report_on_failed_step", sa.Boolean(), nullable=False),
        sa.Column("repair_process_id", sa.String(length=36), nullable=True),
        sa.Column("add_child_units", sa.Boolean(), nullable=False),
        sa.Column("include_uur_misc_info_in_uut", sa.Boolean(), nullable=False),
        sa.Column("load_previous_misc_info", sa.Boolean(), nullable=False),
        sa.Column("xaml", sa.Text(), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("modified", sa.DateTime(), nullable=False),
        sa.Column("modified_by", sa.String(length=200), nullable=True),
        sa.Column("released", sa.DateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.Column("revoked", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("definition_id", name=op.f("pk_mi_definitions")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_mi_definitions_name_version")),
    )
    op.create_table(
        "mi_relations",
        sa.Column("relation_id", sa.String(length=36), nullable=False),
        sa.Column("definition_id", sa.String(length=36), nullable=False),
        sa.Column("entity_schema", sa.String(length=100), nullable=False),
        sa.Column("entity_name", sa.String(length=100), nullable=False),
        sa.Column("entity_key", sa.String(length=100), nullable=True),
        sa.Column("entity_value", sa.String(length=200), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("process_ids", sa.Text(), nullable=False),
        sa.Column("site_ids", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["mi_definitions.definition_id"],
            name=op.f("fk_mi_relations_definition_id_mi_definitions"),
        ),
        sa.PrimaryKeyConstraint("relation_id", name=op.f("pk_mi_relations")),
    )
    op.create_index(op.f("ix_mi_relations_definition_id"), "mi_relations", ["definition_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mi_relations_definition_id"), table_name="mi_relations")
    op.drop_table("mi_relations")
    op.drop_table("mi_definitions")
