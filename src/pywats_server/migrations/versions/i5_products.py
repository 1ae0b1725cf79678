"""Products: products, revisions, tags, product-group members, BOM items, box-build relations.

Revision ID: i5_products
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i5_products"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("non_serial", sa.Boolean(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("xml_data", sa.Text(), nullable=True),
        sa.Column("category_name", sa.String(length=200), nullable=True),
        sa.Column("created_utc", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_products")),
        sa.UniqueConstraint("part_number", name=op.f("uq_products_part_number")),
    )
    op.create_table(
        "product_group_members",
        sa.Column("product_group_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_group_id"],
            ["product_groups.product_group_id"],
            name=op.f("fk_product_group_members_product_group_id_product_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.product_id"],
            name=op.f("fk_product_group_members_product_id_products"),
        ),
        sa.PrimaryKeyConstraint(
            "product_group_id", "product_id", name=op.f("pk_product_group_members")
        ),
    )
    op.create_table(
        "product_revisions",
        sa.Column("revision_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("xml_data", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.product_id"],
            name=op.f("fk_product_revisions_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("revision_id", name=op.f("pk_product_revisions")),
        sa.UniqueConstraint(
            "product_id", "revision", name=op.f("uq_product_revisions_product_id_revision")
        ),
    )
    op.create_table(
        "product_tags",
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.product_id"],
            name=op.f("fk_product_tags_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("product_id", "key", name=op.f("pk_product_tags")),
    )
    op.create_table(
        "bom_items",
        sa.Column("bom_item_id", sa.String(length=36), nullable=False),
        sa.Column("revision_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("component_ref", sa.Text(), nullable=True),
        sa.Column("part_number", sa.String(length=200), nullable=False),
        sa.Column("component_revision", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("manufacturer", sa.String(length=200), nullable=True),
        sa.Column("manufacturer_pn", sa.String(length=200), nullable=True),
        sa.Column("vendor", sa.String(length=200), nullable=True),
        sa.Column("vendor_pn", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["product_revisions.revision_id"],
            name=op.f("fk_bom_items_revision_id_product_revisions"),
        ),
        sa.PrimaryKeyConstraint("bom_item_id", name=op.f("pk_bom_items")),
    )
    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bom_items_revision_id"), ["revision_id"], unique=False)

    op.create_table(
        "product_revision_relations",
        sa.Column("relation_id", sa.String(length=36), nullable=False),
        sa.Column("parent_revision_id", sa.String(length=36), nullable=False),
        sa.Column("child_revision_id", sa.String(length=36), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.String(length=100), nullable=True),
        sa.Column("revision_mask", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_revision_id"],
            ["product_revisions.revision_id"],
            name=op.f("fk_product_revision_relations_child_revision_id_product_revisions"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_revision_id"],
            ["product_revisions.revision_id"],
            name=op.f("fk_product_revision_relations_parent_revision_id_product_revisions"),
        ),
        sa.PrimaryKeyConstraint("relation_id", name=op.f("pk_product_revision_relations")),
    )
    with op.batch_alter_table("product_revision_relations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_revision_relations_parent_revision_id"),
            ["parent_revision_id"],
            unique=False,
        )

    op.create_table(
        "revision_tags",
        sa.Column("revision_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["product_revisions.revision_id"],
            name=op.f("fk_revision_tags_revision_id_product_revisions"),
        ),
        sa.PrimaryKeyConstraint("revision_id", "key", name=op.f("pk_revision_tags")),
    )


def downgrade() -> None:
    op.drop_table("revision_tags")
    with op.batch_alter_table("product_revision_relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_revision_relations_parent_revision_id"))

    op.drop_table("product_revision_relations")
    with op.batch_alter_table("bom_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bom_items_revision_id"))

    op.drop_table("bom_items")
    op.drop_table("product_tags")
    op.drop_table("product_revisions")
    op.drop_table("product_group_members")
    op.drop_table("products")
