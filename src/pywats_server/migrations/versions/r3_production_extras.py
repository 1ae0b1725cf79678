"""Production extras: product categories and vendors, production batches, the serial-number pool.

Revision ID: r3_production_extras
Revises: r2_report_assets

`serial_number_pool` holds imported numbers that are free to be taken. The index on
`units.batch_number` serves the batch queries (the units of a batch, the batches of a part);
the one on `serial_numbers` (type, value) lets a take count and skip the taken numbers ahead
of its type's counter without reading all of the type's numbers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r3_production_extras"
down_revision: str | None = "r2_report_assets"
branch_labels: str | None = None
depends_on: str | None = None


def _named_list(table: str, key: str) -> None:
    op.create_table(
        table,
        sa.Column(key, sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("name", name=op.f(f"uq_{table}_name")),
    )


def upgrade() -> None:
    _named_list("product_categories", "category_id")
    _named_list("product_vendors", "vendor_id")
    op.create_table(
        "production_batches",
        sa.Column(
            "batch_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("batch_number", sa.String(length=200), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_production_batches")),
        sa.UniqueConstraint("batch_number", name=op.f("uq_production_batches_batch_number")),
    )
    op.create_table(
        "serial_number_pool",
        sa.Column("type_name", sa.String(length=100), nullable=False),
        sa.Column("serial_number", sa.String(length=200), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["type_name"],
            ["serial_number_types.name"],
            name=op.f("fk_serial_number_pool_type_name_serial_number_types"),
        ),
        sa.PrimaryKeyConstraint("type_name", "serial_number", name=op.f("pk_serial_number_pool")),
    )
    op.create_index(op.f("ix_units_batch_number"), "units", ["batch_number"], unique=False)
    op.create_index(
        "ix_serial_numbers_type_name_value", "serial_numbers", ["type_name", "value"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_serial_numbers_type_name_value", table_name="serial_numbers")
    op.drop_index(op.f("ix_units_batch_number"), table_name="units")
    for table in (
        "serial_number_pool",
        "production_batches",
        "product_vendors",
        "product_categories",
    ):
        op.drop_table(table)
