"""The durable outbox: accept, order, delivery states, budget, recovery and verification."""

from __future__ import annotations

import errno
import json
import uuid
from pathlib import Path

import pytest

from pywats_client._outbox import CorruptItemError, Entry, Outbox
from pywats_client._store import LedgerEntry, Store

from ._old_outbox import file_name, queue_in_old_layout


def report(n: int = 0, *, body: str = "x") -> Entry:
    report_id = str(uuid.UUID(int=n + 1))
    return Entry(report_id, json.dumps({"type": "T", "id": report_id, "sn": body}).encode())


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox", Store(tmp_path / "state.db"), max_bytes=10_000)


def test_accepted_entries_are_rows_in_fifo_order_with_no_file_of_their_own(
    outbox: Outbox,
) -> None:
    assert outbox.accept([report(0), report(1)], converter="wsjf", source="a.json") == 2
    outbox.accept([report(2)], converter="wsjf", source="b.json")
    items = outbox.items("pending")
    assert [i.id for i in items] == [report(n).id for n in range(3)]
    assert [outbox.read(i) for i in items] == [report(n).data for n in range(3)]
    assert list(outbox.folder.iterdir()) == []


def test_priority_goes_first_then_fifo(outbox: Outbox) -> None:
    outbox.accept([report(0)], converter="a", source="a")
    outbox.accept([report(1)], converter="b", source="b", priority=5)
    outbox.accept([report(2)], converter="b", source="b", priority=5)
    first = outbox.next_due(set())
    assert first is not None
    assert first.id == report(1).id
    second = outbox.next_due({first.id})
    assert second is not None
    assert second.id == report(2).id


def test_identical_resend_is_a_no_op_and_changed_content_replaces(outbox: Outbox) -> None:
    outbox.accept([report(0)], converter="wsjf", source="a")
    assert outbox.accept([report(0)], converter="wsjf", source="a") == 0
    outbox.mark_delivered(report(0).id)
    assert outbox.accept([report(0, body="fixed")], converter="wsjf", source="a") == 1
    (item,) = outbox.items()
    assert item.state == "pending"
    assert outbox.read(item) == report(0, body="fixed").data


def test_ledger_commits_with_the_rows(outbox: Outbox) -> None:
    entry = LedgerEntry("in/a.json", 10, 123, "ab" * 32, "accepted", 1.0)
    outbox.accept([report(0)], converter="wsjf", source="in/a.json", ledger=entry)
    assert outbox.store.ledger_get("in/a.json") == entry


def test_transient_failure_delays_and_permanent_failure_quarantines(outbox: Outbox) -> None:
    outbox.accept([report(0), report(1)], converter="wsjf", source="a")
    outbox.mark_failed(report(0).id, "503", retry_at=outbox.clock.time() + 60)
    due = outbox.next_due(set())
    assert due is not None
    assert due.id == report(1).id
    outbox.quarantine(report(1).id, "400 bad pn")
    assert outbox.next_due(set()) is None
    stats = outbox.stats()
    assert (stats.pending, stats.quarantined) == (1, 1)
    assert outbox.retry(report(1).id)
    assert outbox.items("quarantined") == []
    assert not outbox.retry("no-such-id")


def test_budget_turns_off_room(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o", Store(tmp_path / "s.db"), max_bytes=100)
    assert outbox.has_room()
    outbox.accept([report(n) for n in range(3)], converter="wsjf", source="a")
    assert not outbox.has_room()
    for item in outbox.items():
        outbox.mark_delivered(item.id)
    assert outbox.has_room()


def test_prune_removes_old_delivered_items_only(outbox: Outbox) -> None:
    outbox.accept([report(0), report(1)], converter="wsjf", source="a")
    outbox.mark_delivered(report(0).id)
    assert outbox.prune(keep_seconds=3600) == 0
    assert outbox.prune(keep_seconds=-1) == 1
    assert [i.id for i in outbox.items()] == [report(1).id]
    assert outbox.delete(report(1).id)
    assert outbox.store.query("SELECT COUNT(*) FROM documents")[0][0] == 0, "documents go too"


def test_corrupt_or_missing_documents_are_detected(tmp_path: Path) -> None:
    queue_in_old_layout(tmp_path / "o", tmp_path / "s.db", [report(0), report(1)])
    outbox = Outbox(tmp_path / "o", Store(tmp_path / "s.db"), max_bytes=10**6)
    outbox.accept([report(2)], converter="wsjf", source="a")
    first, second, third = outbox.items()
    (outbox.folder / first.file).write_bytes(report(0).data[:10])  # truncated
    (outbox.folder / second.file).unlink()
    with outbox.store.transaction() as cursor:
        cursor.execute("UPDATE documents SET data = ? WHERE id = ?", (b"{}", third.id))
    with pytest.raises(CorruptItemError, match="corrupt"):
        outbox.read(first)
    with pytest.raises(CorruptItemError, match="missing"):
        outbox.read(second)
    with pytest.raises(CorruptItemError, match=f"outbox item {third.id} is corrupt"):
        outbox.read(third)
    problems = dict(outbox.problems())
    assert problems == {
        first.file: "checksum mismatch",
        second.file: "data file missing",
        third.id: "checksum mismatch",
    }


def test_reports_queued_in_the_old_layout_are_still_delivered_after_an_upgrade(
    tmp_path: Path,
) -> None:
    old = [report(0), report(1), report(2)]
    queue_in_old_layout(tmp_path / "o", tmp_path / "s.db", old)
    outbox = Outbox(tmp_path / "o", Store(tmp_path / "s.db"), max_bytes=10**6)
    assert outbox.recover(lambda path, reason: pytest.fail(f"{path}: {reason}")) == dict.fromkeys(
        ("temporaries", "adopted", "set_aside", "stale", "broken"), 0
    )
    assert outbox.problems() == []
    outbox.accept([report(3)], converter="wsjf", source="new.json")  # queued after the upgrade
    delivered = []
    while (item := outbox.next_due(set())) is not None:
        delivered.append(outbox.read(item))
        outbox.mark_delivered(item.id)
    assert delivered == [entry.data for entry in [*old, report(3)]]
    # A new version of an old-layout report replaces it in the database, and its file goes.
    assert outbox.accept([report(0, body="fixed")], converter="wsjf", source="a") == 1
    assert not (outbox.folder / file_name(report(0))).exists()
    assert outbox.read(outbox.items("pending")[0]) == report(0, body="fixed").data
    assert outbox.prune(keep_seconds=-1) == 3  # the delivered ones, files and all
    assert list(outbox.folder.iterdir()) == []
    assert outbox.problems() == []


def test_a_database_that_cannot_be_written_leaves_nothing_half_done(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    outbox = Outbox(tmp_path / "o", store, max_bytes=10**6)
    entry = LedgerEntry("in/a.json", 1, 1, "00" * 32, "accepted", 1.0)
    store.query("PRAGMA query_only = ON")  # SQLite's read-only error, on the real connection
    with pytest.raises(OSError, match="readonly") as raised:
        outbox.accept([report(0), report(1)], converter="wsjf", source="a", ledger=entry)
    assert raised.value.errno == errno.EROFS
    assert outbox.items() == []
    assert store.ledger_get("in/a.json") is None
    store.query("PRAGMA query_only = OFF")
    assert outbox.accept([report(0), report(1)], converter="wsjf", source="a", ledger=entry) == 2


def test_recovery_adopts_orphans_and_sets_aside_the_rest(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    outbox = Outbox(tmp_path / "o", store, max_bytes=10**6)
    outbox.accept([report(0)], converter="wsjf", source="a")
    (queued,) = outbox.items()
    # The old layout's crash between rename and commit left a complete, unreferenced file.
    orphan = report(1)
    orphan_name = file_name(orphan)
    (outbox.folder / orphan_name).write_bytes(orphan.data)
    (outbox.folder / f".tmp-{orphan_name}").write_bytes(b"{half")
    (outbox.folder / "notes.txt").write_text("operator left this here")
    (outbox.folder / f"{uuid.UUID(int=99)}-{'0' * 16}.json").write_bytes(b"\x00garbage")
    with store.transaction() as cursor:  # corrupt queued item
        cursor.execute("UPDATE documents SET data = ? WHERE id = ?", (b"{}", queued.id))
    set_aside: list[tuple[str, str]] = []
    summary = outbox.recover(lambda path, reason: set_aside.append((path.name, reason)))
    assert summary["adopted"] == 1
    assert summary["temporaries"] == 1
    assert summary["broken"] == 1
    assert sorted(name for name, _ in set_aside) == sorted(
        ["notes.txt", f"{uuid.UUID(int=99)}-{'0' * 16}.json"]
    )
    states = {i.id: i.state for i in outbox.items()}
    assert states == {queued.id: "quarantined", orphan.id: "pending"}
    assert outbox.read(outbox.items("pending")[0]) == orphan.data
    assert not (outbox.folder / orphan_name).exists(), "adopted into the database"


def test_ledger_forgets_old_entries_of_files_that_are_gone(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    for path, at in ((kept, 1.0), (tmp_path / "moved.json", 1.0), (tmp_path / "new.json", 9.0)):
        store.ledger_record(LedgerEntry(str(path), 2, 3, "00" * 32, "accepted", at))
    assert store.ledger_prune(before=5.0) == 1
    assert store.ledger_get(str(tmp_path / "moved.json")) is None
    assert store.ledger_get(str(kept)) is not None  # still in its folder (after = "keep")
    assert store.ledger_get(str(tmp_path / "new.json")) is not None  # too recent
