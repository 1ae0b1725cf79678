"""`ReportStore.save` from many threads at once: every report stored, the same id kept once."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pywats_server._formats import parse_submission
from pywats_server.storage import Database, ReportStore, Submission
from pywats_server.storage.report_tables import report_steps, reports

SAMPLE = Path(__file__).parents[3] / "tests" / "data" / "samples" / "wats" / "uut-wsjf-export.json"


def _submission(report_id: str, serial: str) -> Submission:
    document = json.loads(SAMPLE.read_bytes())
    document.update(id=report_id, sn=serial)
    return parse_submission(json.dumps(document).encode(), "wsjf", "TEST-ORIGIN")


def _stored(database: Database, serial_prefix: str) -> list[tuple[str, str, int]]:
    """(id, serial number, receive count) of the stored reports whose serial starts so."""
    r = reports.c
    query = select(r.report_id, r.serial_number, r.receive_count).where(
        r.serial_number.like(f"{serial_prefix}%")
    )
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


@pytest.fixture
def database(server_db_url: str) -> Iterator[Database]:
    database = Database(server_db_url)
    yield database
    database.dispose()


def test_concurrent_saves_all_land_and_a_repeated_id_is_one_report(database: Database) -> None:
    store = ReportStore(database)
    repeated = str(uuid.uuid4())
    submissions = [_submission(str(uuid.uuid4()), f"CONC-{n}") for n in range(14)]
    submissions += [_submission(repeated, "CONC-A"), _submission(repeated, "CONC-B")]
    before = store.count()
    start = threading.Barrier(len(submissions))
    errors: list[BaseException] = []

    def save(submission: Submission) -> None:
        start.wait()
        try:
            store.save(submission)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(s,)) for s in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert store.count() == before + 15
    with database.engine.connect() as connection:
        serial, received, pk = connection.execute(
            select(reports.c.serial_number, reports.c.receive_count, reports.c.report_pk).where(
                reports.c.report_id == repeated
            )
        ).one()
        steps = connection.scalar(select(func.count()).where(report_steps.c.report_pk == pk))
    assert serial in ("CONC-A", "CONC-B")
    assert received == 2  # counted as if saved one after the other
    assert steps == len(submissions[0].rows.steps)
    stored = store.document(repeated)
    assert stored is not None
    assert json.loads(stored.body)["sn"] == serial


def test_a_batch_of_more_reports_than_one_statement_takes_is_stored_and_replaced(
    database: Database,
) -> None:
    """A save looks stored reports up and inserts headers 32 at a time: 70 reports, the same
    70 ids again (replaced by id), then 70 new ids with the same identities (replaced by
    serial, part number, operation and start) each leave 70 reports with their steps."""
    store = ReportStore(database)
    before = store.count()
    ids = [str(uuid.uuid4()) for _ in range(70)]
    store.save_many([_submission(report_id, f"BATCH-{n}") for n, report_id in enumerate(ids)])
    store.save_many([_submission(report_id, f"BATCH-{n}") for n, report_id in enumerate(ids)])
    assert store.count() == before + 70
    new_ids = [str(uuid.uuid4()) for _ in range(70)]
    batch = [_submission(report_id, f"BATCH-{n}") for n, report_id in enumerate(new_ids)]
    store.save_many(batch)
    assert store.count() == before + 70
    stored = _stored(database, "BATCH-")
    with database.engine.connect() as connection:
        steps = connection.scalar(
            select(func.count())
            .select_from(report_steps.join(reports))
            .where(reports.c.serial_number.like("BATCH-%"))
        )
    assert sorted((report_id, serial) for report_id, serial, _ in stored) == sorted(
        (report_id, f"BATCH-{n}") for n, report_id in enumerate(new_ids)
    )
    assert {count for _, _, count in stored} == {3}  # three receipts of each report
    assert steps == 70 * len(batch[0].rows.steps)


def test_a_batch_replacing_a_report_by_id_and_its_old_identity_keeps_both_reports(
    database: Database,
) -> None:
    """One report of a batch takes a stored report's id (and changes its serial number), another
    takes that stored report's identity under a new id (as a WSXF document of two reports can):
    the first replaces it, the second is new, as if they had come one after the other."""
    store = ReportStore(database)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    store.save(_submission(first, "SWAP-1"))
    before = store.count()
    store.save_many([_submission(first, "SWAP-2"), _submission(second, "SWAP-1")])
    assert store.count() == before + 1
    assert sorted(_stored(database, "SWAP-")) == sorted(
        [(first, "SWAP-2", 2), (second, "SWAP-1", 1)]
    )
