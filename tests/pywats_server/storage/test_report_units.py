"""`report_units`, kept at every save, equals the per-unit outcomes recomputed from the reports."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from pywats_server._formats import parse_submission
from pywats_server.storage import Database, ReportStore, Submission, migrate
from pywats_server.storage._report_units import rebuild_units, unit_outcomes
from pywats_server.storage.report_tables import report_units, reports

SAMPLE = Path(__file__).parents[3] / "tests" / "data" / "samples" / "wats" / "uut-wsjf-export.json"


@pytest.fixture
def database(server_db_url: str) -> Iterator[Database]:
    database = Database(server_db_url)
    yield database
    database.dispose()


def _submission(
    report_id: str, serial: str, part: str, code: int, start: int, result: str
) -> Submission:
    document: dict[str, Any] = json.loads(SAMPLE.read_bytes())
    document.update(
        id=report_id,
        sn=serial,
        pn=part,
        processCode=code,
        start=f"2026-06-01T{start // 60:02d}:{start % 60:02d}:00Z",
        result=result,
    )
    document["root"]["status"] = result
    document["uut"].pop("stepIdCausedUUTFailure", None)
    return parse_submission(json.dumps(document).encode(), "wsjf", "TEST-ORIGIN")


def _rows(database: Database, prefix: str) -> tuple[list[Any], list[Any]]:
    """(stored rows, recomputed rows) of the units whose serial starts with `prefix`."""
    with database.engine.connect() as connection:
        stored = connection.execute(
            select(report_units).where(report_units.c.serial_number.startswith(prefix))
        ).all()
        recomputed = connection.execute(
            unit_outcomes(reports.c.serial_number.startswith(prefix))
        ).all()
    return sorted(map(tuple, stored)), sorted(map(tuple, recomputed))


def test_unit_rows_follow_new_runs_replacements_and_moves(database: Database) -> None:
    store = ReportStore(database)
    prefix = f"UNITS-{uuid.uuid4().hex[:6]}-"
    rng = random.Random(5)
    saved: list[str] = []
    for step in range(60):
        serial = f"{prefix}{rng.randrange(8)}"
        part, code = rng.choice(["PA", "PB"]), rng.choice([10, 50])
        start, result = rng.randrange(24 * 60), rng.choice("PPPFE")
        if saved and step % 7 == 3:
            # The same id again, possibly for another unit: the old unit loses a run.
            report_id = rng.choice(saved)
        else:
            report_id = str(uuid.uuid4())
            saved.append(report_id)
        batch = [_submission(report_id, serial, part, code, start, result)]
        if step % 5 == 0:  # a shared transaction with a second report of the same unit
            later = _submission(str(uuid.uuid4()), serial, part, code, start + 1, "P")
            batch.append(later)
            saved.append(later.rows.report_id)
        store.save_many(batch)
    stored, recomputed = _rows(database, prefix)
    assert len(stored) > 5
    assert stored == recomputed
    # A unit that failed its first run and passed its second: fp 0, sp 1.
    assert any(row[5:7] == (0, 1) for row in stored)


def test_a_rebuild_gives_the_rows_the_saves_kept(database: Database) -> None:
    store = ReportStore(database)
    prefix = f"REBUILD-{uuid.uuid4().hex[:6]}-"
    for n, result in enumerate("FFPFP"):
        store.save(_submission(str(uuid.uuid4()), f"{prefix}{n % 2}", "PA", 10, n, result))
    kept, _ = _rows(database, prefix)
    with database.engine.begin() as connection:
        rebuild_units(connection)
    rebuilt, recomputed = _rows(database, prefix)
    assert kept == rebuilt == recomputed
    # Unit 0 ran F, P, P; unit 1 ran F, F.
    assert [row[5:9] for row in kept] == [(0, 1, 1, 1), (0, 0, 0, 0)]


def test_a_save_on_sqlite_searches_the_unit_tables_by_key(tmp_path: Path) -> None:
    """Keeping `report_units` must not scan a table that grows with every report: a row-value
    IN list did that on SQLite."""
    path = tmp_path / "wats.db"
    database = Database(f"sqlite:///{path}")
    migrate(database)
    database.dispose()  # the statements of the connections opened from here on are traced
    executed: list[str] = []
    event.listen(
        database.engine,
        "connect",
        lambda connection, _: connection.set_trace_callback(executed.append),
    )
    store = ReportStore(database)
    prefix = f"PLAN-{uuid.uuid4().hex[:6]}-"
    report_id = str(uuid.uuid4())
    store.save(_submission(report_id, f"{prefix}1", "PA", 10, 0, "F"))
    store.save(_submission(report_id, f"{prefix}2", "PA", 10, 1, "P"))  # moves to another unit
    database.dispose()
    assert any(sql.startswith("DELETE FROM report_units") for sql in executed)
    scans = []
    with closing(sqlite3.connect(path)) as raw:
        for sql in executed:
            if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
                continue
            for *_, detail in raw.execute(f"EXPLAIN QUERY PLAN {sql}"):
                if re.match(r"SCAN (reports|report_units|units)\b", detail):
                    scans.append((detail, sql[:120]))
    assert scans == []
