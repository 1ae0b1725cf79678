"""Production: unit phases (seeded), units, tags, changes, serial numbers, verification rules.

Revision ID: i5_production
Revises: i5_products
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pywats_server.storage.units import seed_phases

revision = "i5_production"
down_revision: str | None = "i5_products"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "serial_number_types",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("format", sa.String(length=200), nullable=False),
        sa.Column("reg_ex", sa.String(length=500), nullable=True),
        sa.Column("identifier", sa.Integer(), nullable=False),
        sa.Column("start_value", sa.BigInteger(), nullable=False),
        sa.Column("end_value", sa.BigInteger(), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_serial_number_types")),
    )
    op.create_table(
        "unit_phases",
        sa.Column("phase_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("phase_id", name=op.f("pk_unit_phases")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_phases_code")),
    )
    op.create_table(
        "unit_verification_rules",
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("process_codes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("part_number", name=op.f("pk_unit_verification_rules")),
    )
    op.create_table(
        "serial_numbers",
        sa.Column("type_name", sa.String(length=100), nullable=False),
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("reference_serial_number", sa.String(length=200), nullable=True),
        sa.Column("reference_part_number", sa.String(length=200), nullable=True),
        sa.Column("station_name", sa.String(length=200), nullable=True),
        sa.Column("taken_utc", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["type_name"],
            ["serial_number_types.name"],
            name=op.f("fk_serial_numbers_type_name_serial_number_types"),
        ),
        sa.PrimaryKeyConstraint("type_name", "serial_number", name=op.f("pk_serial_numbers")),
    )
    op.create_table(
        "units",
        sa.Column(
            "unit_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.String(length=200), nullable=True),
        sa.Column("parent_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("batch_number", sa.String(length=200), nullable=True),
        sa.Column("serial_date", sa.DateTime(), nullable=False),
        sa.Column("current_location", sa.String(length=200), nullable=True),
        sa.Column("xml_data", sa.Text(), nullable=True),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("process_code", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_pk"], ["units.unit_pk"], name=op.f("fk_units_parent_pk_units")
        ),
        sa.ForeignKeyConstraint(
            ["phase_id"], ["unit_phases.phase_id"], name=op.f("fk_units_phase_id_unit_phases")
        ),
        sa.PrimaryKeyConstraint("unit_pk", name=op.f("pk_units")),
        sa.UniqueConstraint(
            "serial_number", "part_number", name=op.f("uq_units_serial_number_part_number")
        ),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_parent_pk"), ["parent_pk"], unique=False)

    op.create_table(
        "unit_changes",
        sa.Column(
            "change_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("unit_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("changed_utc", sa.DateTime(), nullable=False),
        sa.Column("new_parent_serial_number", sa.String(length=200), nullable=True),
        sa.Column("new_part_number", sa.String(length=200), nullable=True),
        sa.Column("new_revision", sa.String(length=200), nullable=True),
        sa.Column("new_unit_phase_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_pk"], ["units.unit_pk"], name=op.f("fk_unit_changes_unit_pk_units")
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_unit_changes")),
    )
    with op.batch_alter_table("unit_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_changes_unit_pk"), ["unit_pk"], unique=False)

    op.create_table(
        "unit_tags",
        sa.Column("unit_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_pk"], ["units.unit_pk"], name=op.f("fk_unit_tags_unit_pk_units")
        ),
        sa.PrimaryKeyConstraint("unit_pk", "key", name=op.f("pk_unit_tags")),
    )

    seed_phases(op.get_bind())


def downgrade() -> None:
    op.drop_table("unit_tags")
    with op.batch_alter_table("unit_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_changes_unit_pk"))

    op.drop_table("unit_changes")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_parent_pk"))

    op.drop_table("units")
    op.drop_table("serial_numbers")
    op.drop_table("unit_verification_rules")
    op.drop_table("unit_phases")
    op.drop_table("serial_number_types")
