"""Migration `r2_report_assets` fills the new table from the WSJF documents already stored."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from pywats_server.storage import Database, extract_rows, migrate
from pywats_server.storage.report_tables import report_assets, report_documents, reports


@pytest.fixture
def database_before(new_database: Database) -> Database:
    """A new database at the revision before report assets."""
    migrate(new_database, "r1_indexes")
    return new_database


def _document(assets: Any) -> dict[str, Any]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "MIG-PCBA",
        "sn": f"M-{uuid.uuid4().hex[:8]}",
        "rev": "A",
        "processCode": 100,
        "result": "P",
        "start": "2026-06-01T08:00:00Z",
        "assets": assets,
        "root": {"id": 1, "stepType": "SequenceCall", "name": "Main", "status": "P"},
    }


def _store_as_before(database: Database, documents: list[dict[str, Any]], format: str) -> None:
    """Store reports as the server did before this revision: a header row and the document."""
    with database.engine.begin() as connection:
        for document in documents:
            body = json.dumps(document).encode()
            header = extract_rows({**document, "assets": []}, len(body)).header
            header.update(receive_count=1, received_utc=header["start_utc"])
            pk = connection.scalar(reports.insert().values(header).returning(reports.c.report_pk))
            connection.execute(
                report_documents.insert().values(report_pk=pk, format=format, body=body)
            )


def test_the_upgrade_fills_report_assets_from_the_stored_documents(
    database_before: Database,
) -> None:
    # More reports than one back-fill batch, each with its own asset.
    many = [_document([{"sn": f"FX-{n}", "usageCount": n + 1}]) for n in range(230)]
    mixed = _document(
        [
            {"sn": "DMM-7"},
            {"usageCount": 3},  # no serial number: left out
            {"sn": "FX-9", "usageCount": 0},  # not a positive count: kept without it
            "not an object",
        ]
    )
    _store_as_before(database_before, [*many, mixed, _document([])], "wsjf")
    # Not WSJF: stored WSXF documents have no known form for assets.
    _store_as_before(database_before, [_document([{"sn": "XML-1"}])], "wsxf")

    migrate(database_before)

    with database_before.engine.connect() as connection:
        found = {
            (row.report_id, row.idx, row.serial_number, row.usage_count)
            for row in connection.execute(
                select(
                    reports.c.report_id,
                    report_assets.c.idx,
                    report_assets.c.serial_number,
                    report_assets.c.usage_count,
                ).join(reports, reports.c.report_pk == report_assets.c.report_pk)
            )
        }
    expected: set[tuple[str, int, str, int | None]]
    expected = {(d["id"], 0, f"FX-{n}", n + 1) for n, d in enumerate(many)}
    expected |= {(mixed["id"], 0, "DMM-7", None), (mixed["id"], 2, "FX-9", None)}
    assert found == expected
