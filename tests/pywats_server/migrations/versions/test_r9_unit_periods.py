"""Migration `r9_unit_periods` refills `report_units` with each unit's first start."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from pywats_server.storage import Database, extract_rows, migrate
from pywats_server.storage._report_units import unit_outcomes
from pywats_server.storage.report_tables import report_units, reports


@pytest.fixture
def database_before(new_database: Database) -> Database:
    """A new database at the revision before units kept their first start."""
    migrate(new_database, "r8_software_folders")
    return new_database


def _store_headers(database: Database, count: int) -> dict[tuple[str, str, int], datetime]:
    """Report header rows of a few units, runs in random order; each unit's first start."""
    rng = random.Random(6)
    first: dict[tuple[str, str, int], datetime] = {}
    with database.engine.begin() as connection:
        for _ in range(count):
            unit = (f"R6-{rng.randrange(12)}", rng.choice(["R6-A", "R6-B"]), rng.choice([10, 50]))
            start = datetime(2026, 6, 1) + timedelta(minutes=rng.randrange(10_000))
            document = {
                "type": "T", "id": str(uuid.uuid4()), "sn": unit[0], "pn": unit[1], "rev": "A",
                "processCode": unit[2], "result": rng.choice("PPFE"),
                "start": start.isoformat() + "Z",
                "root": {"id": 1, "stepType": "SequenceCall", "name": "Main", "status": "P"},
            }  # fmt: skip
            header = extract_rows(document, 100).header
            header.update(receive_count=1, received_utc=start)
            connection.execute(reports.insert().values(header))
            first[unit] = min(first.get(unit, start), start)
    return first


def test_the_upgrade_refills_units_with_their_first_start(database_before: Database) -> None:
    first = _store_headers(database_before, 80)

    migrate(database_before)

    with database_before.engine.connect() as connection:
        stored = sorted(map(tuple, connection.execute(select(report_units))))
        recomputed = sorted(map(tuple, connection.execute(unit_outcomes())))
        starts = {
            (row.serial_number, row.part_number, row.process_code): row.first_utc
            for row in connection.execute(select(report_units))
        }
    assert stored == recomputed
    assert starts == first
    assert len(starts) > 20
