"""Initial schema: users, processes, reference lists and reports; seeds processes and levels.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pywats_server.storage.processes import seed_processes
from pywats_server.storage.reference import seed_levels

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "levels",
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.Column("level_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("level_id", name=op.f("pk_levels")),
        sa.UniqueConstraint("level_name", name=op.f("uq_levels_level_name")),
    )
    op.create_table(
        "processes",
        sa.Column("code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("process_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("is_repair", sa.Boolean(), nullable=False),
        sa.Column("is_wip", sa.Boolean(), nullable=False),
        sa.Column("process_index", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_processes")),
        sa.UniqueConstraint("process_id", name=op.f("uq_processes_process_id")),
    )
    op.create_table(
        "product_groups",
        sa.Column("product_group_id", sa.Integer(), nullable=False),
        sa.Column("product_group_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("product_group_id", name=op.f("pk_product_groups")),
        sa.UniqueConstraint(
            "product_group_name", name=op.f("uq_product_groups_product_group_name")
        ),
    )
    op.create_table(
        "reports",
        sa.Column(
            "report_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("report_type", sa.String(length=1), nullable=False),
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.String(length=200), nullable=False),
        sa.Column("batch_number", sa.String(length=200), nullable=True),
        sa.Column("station_name", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=True),
        sa.Column("process_code", sa.Integer(), nullable=False),
        sa.Column("process_name", sa.String(length=100), nullable=True),
        sa.Column("result", sa.String(length=1), nullable=False),
        sa.Column("start", sa.String(length=40), nullable=False),
        sa.Column("start_utc", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("execution_time", sa.Float(), nullable=True),
        sa.Column("sw_filename", sa.String(length=500), nullable=True),
        sa.Column("sw_version", sa.String(length=100), nullable=True),
        sa.Column("test_socket_index", sa.Integer(), nullable=True),
        sa.Column("fixture_id", sa.String(length=200), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("caused_uut_failure", sa.String(length=500), nullable=True),
        sa.Column("caused_uut_failure_path", sa.Text(), nullable=True),
        sa.Column("referenced_uut", sa.String(length=36), nullable=True),
        sa.Column("root_node_type", sa.String(length=100), nullable=True),
        sa.Column("receive_count", sa.Integer(), nullable=False),
        sa.Column("report_size", sa.Integer(), nullable=False),
        sa.Column("received_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("report_pk", name=op.f("pk_reports")),
        sa.UniqueConstraint("report_id", name=op.f("uq_reports_report_id")),
    )
    op.create_index(
        op.f("ix_reports_part_number_process_code_start_utc"),
        "reports",
        ["part_number", "process_code", "start_utc"],
        unique=False,
    )
    op.create_index(op.f("ix_reports_referenced_uut"), "reports", ["referenced_uut"], unique=False)
    op.create_index(
        op.f("ix_reports_serial_number_part_number_process_code_start_utc"),
        "reports",
        ["serial_number", "part_number", "process_code", "start_utc"],
        unique=False,
    )
    op.create_index(op.f("ix_reports_start_utc"), "reports", ["start_utc"], unique=False)
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "credentials",
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.Column("revoked_utc", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_credentials_user_id_users")
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_credentials")),
    )
    op.create_index(op.f("ix_credentials_user_id"), "credentials", ["user_id"], unique=False)
    op.create_table(
        "repair_operations",
        sa.Column("code", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("uut_required", sa.Integer(), nullable=False),
        sa.Column("comp_ref_mask", sa.String(length=500), nullable=True),
        sa.Column("comp_ref_mask_description", sa.String(length=500), nullable=True),
        sa.Column("bom_constraint", sa.String(length=100), nullable=True),
        sa.Column("bom_required", sa.Integer(), nullable=False),
        sa.Column("vendor_required", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"], ["processes.code"], name=op.f("fk_repair_operations_code_processes")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_repair_operations")),
    )
    op.create_table(
        "report_attachments",
        sa.Column("attachment_id", sa.String(length=36), nullable=False),
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_pk"],
            ["reports.report_pk"],
            name=op.f("fk_report_attachments_report_pk_reports"),
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_report_attachments")),
    )
    op.create_index(
        op.f("ix_report_attachments_report_pk"), "report_attachments", ["report_pk"], unique=False
    )
    op.create_table(
        "report_documents",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("format", sa.String(length=4), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_pk"], ["reports.report_pk"], name=op.f("fk_report_documents_report_pk_reports")
        ),
        sa.PrimaryKeyConstraint("report_pk", name=op.f("pk_report_documents")),
    )
    op.create_table(
        "report_failures",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sub_unit_idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("failure_idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("code", sa.String(length=200), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("com_ref", sa.String(length=200), nullable=True),
        sa.Column("func_block", sa.String(length=200), nullable=True),
        sa.Column("ref_step_id", sa.Integer(), nullable=True),
        sa.Column("art_number", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"], ["reports.report_pk"], name=op.f("fk_report_failures_report_pk_reports")
        ),
        sa.PrimaryKeyConstraint(
            "report_pk", "sub_unit_idx", "failure_idx", name=op.f("pk_report_failures")
        ),
    )
    op.create_table(
        "report_measurements",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("meas_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step_order", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("comp_op", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=1), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text_value", sa.Text(), nullable=True),
        sa.Column("low_limit", sa.Float(), nullable=True),
        sa.Column("high_limit", sa.Float(), nullable=True),
        sa.Column("text_limit", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"],
            ["reports.report_pk"],
            name=op.f("fk_report_measurements_report_pk_reports"),
        ),
        sa.PrimaryKeyConstraint("report_pk", "meas_index", name=op.f("pk_report_measurements")),
    )
    op.create_index(
        op.f("ix_report_measurements_path"), "report_measurements", ["path"], unique=False
    )
    op.create_table(
        "report_misc_infos",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("numeric", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"],
            ["reports.report_pk"],
            name=op.f("fk_report_misc_infos_report_pk_reports"),
        ),
        sa.PrimaryKeyConstraint("report_pk", "idx", name=op.f("pk_report_misc_infos")),
    )
    op.create_index(
        op.f("ix_report_misc_infos_description_text"),
        "report_misc_infos",
        ["description", "text"],
        unique=False,
    )
    op.create_table(
        "report_steps",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("step_order", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("parent_order", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("step_type", sa.String(length=100), nullable=True),
        sa.Column("step_group", sa.String(length=1), nullable=True),
        sa.Column("status", sa.String(length=1), nullable=True),
        sa.Column("tot_time", sa.Float(), nullable=True),
        sa.Column("caused_uut_failure", sa.Boolean(), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("loop_index", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"], ["reports.report_pk"], name=op.f("fk_report_steps_report_pk_reports")
        ),
        sa.PrimaryKeyConstraint("report_pk", "step_order", name=op.f("pk_report_steps")),
    )
    op.create_index(op.f("ix_report_steps_path"), "report_steps", ["path"], unique=False)
    op.create_table(
        "report_sub_units",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("part_type", sa.String(length=200), nullable=True),
        sa.Column("part_number", sa.String(length=200), nullable=True),
        sa.Column("serial_number", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"], ["reports.report_pk"], name=op.f("fk_report_sub_units_report_pk_reports")
        ),
        sa.PrimaryKeyConstraint("report_pk", "idx", name=op.f("pk_report_sub_units")),
    )
    op.create_index(
        op.f("ix_report_sub_units_part_number"), "report_sub_units", ["part_number"], unique=False
    )
    op.create_index(
        op.f("ix_report_sub_units_serial_number"),
        "report_sub_units",
        ["serial_number"],
        unique=False,
    )
    op.create_table(
        "repair_categories",
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("parent_guid", sa.String(length=36), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("selectable", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("failure_type", sa.Integer(), nullable=False),
        sa.Column("image_constraint", sa.String(length=100), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["repair_operations.code"],
            name=op.f("fk_repair_categories_code_repair_operations"),
        ),
        sa.PrimaryKeyConstraint("guid", name=op.f("pk_repair_categories")),
    )
    op.create_index(op.f("ix_repair_categories_code"), "repair_categories", ["code"], unique=False)
    seed_processes(op.get_bind())
    seed_levels(op.get_bind())


def downgrade() -> None:
    for table in (
        "report_attachments",
        "report_failures",
        "report_sub_units",
        "report_misc_infos",
        "report_measurements",
        "report_steps",
        "report_documents",
        "reports",
        "repair_categories",
        "repair_operations",
        "processes",
        "credentials",
        "users",
        "levels",
        "product_groups",
    ):
        op.drop_table(table)
