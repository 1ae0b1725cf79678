"""Report assets: one row per asset a report lists, filled in for the reports already stored.

Revision ID: r2_report_assets
Revises: r1_indexes

`report_assets` (report_pk, idx, serial_number, usage_count) lets analytics filter and group
by the assets reports used. The rows of existing reports are read from their stored WSJF
documents (WSXF has no known form for assets), a batch at a time so memory stays bounded.
Documents stored before this revision were not checked for assets, so the back-fill takes
what it can: an entry without a usable serial number is left out, a usage count that is not a
positive integer is stored as null. Asset counters are not touched: those reports were
received before reports counted uses.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "r2_report_assets"
down_revision: str | None = "r1_indexes"
branch_labels: str | None = None
depends_on: str | None = None

_BATCH = 200
_SERIAL_LENGTH = 200


def upgrade() -> None:
    table = op.create_table(
        "report_assets",
        sa.Column(
            "report_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("serial_number", sa.String(length=_SERIAL_LENGTH), nullable=False),
        sa.Column("usage_count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_pk"], ["reports.report_pk"], name=op.f("fk_report_assets_report_pk_reports")
        ),
        sa.PrimaryKeyConstraint("report_pk", "idx", name=op.f("pk_report_assets")),
    )
    op.create_index(
        op.f("ix_report_assets_serial_number"), "report_assets", ["serial_number"], unique=False
    )
    assert table is not None
    _backfill(table)


def _backfill(table: sa.Table) -> None:
    documents = sa.table(
        "report_documents", sa.column("report_pk"), sa.column("format"), sa.column("body")
    )
    connection = op.get_bind()
    last = None
    while True:
        query = sa.select(documents.c.report_pk, documents.c.body).where(
            documents.c.format == "wsjf"
        )
        if last is not None:
            query = query.where(documents.c.report_pk > last)
        batch = connection.execute(query.order_by(documents.c.report_pk).limit(_BATCH)).all()
        if not batch:
            return
        rows = [row for pk, body in batch for row in _rows(pk, json.loads(bytes(body)))]
        if rows:
            connection.execute(table.insert(), rows)
        last = batch[-1][0]


def _rows(pk: int, document: Any) -> list[dict[str, Any]]:
    listed = document.get("assets") if isinstance(document, dict) else None
    rows = []
    for index, asset in enumerate(listed if isinstance(listed, list) else []):
        serial = asset.get("sn") if isinstance(asset, dict) else None
        if not isinstance(serial, str) or not 0 < len(serial) <= _SERIAL_LENGTH:
            continue
        count = asset.get("usageCount")
        valid = type(count) is int and count > 0
        rows.append(
            {
                "report_pk": pk,
                "idx": index,
                "serial_number": serial,
                "usage_count": count if valid else None,
            }
        )
    return rows


def downgrade() -> None:
    op.drop_index(op.f("ix_report_assets_serial_number"), table_name="report_assets")
    op.drop_table("report_assets")
