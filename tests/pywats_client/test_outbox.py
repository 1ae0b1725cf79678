"""The durable outbox: accept, order, delivery states, budget, recovery and verification."""

from __future__ import annotations

import errno
import json
import threading
import uuid
from pathlib import Path

import pytest

from pywats_client._durable import DiskIO
from pywats_client._outbox import CorruptItemError, Entry, Outbox
from pywats_client._store import LedgerEntry, Store


def report(n: int = 0, *, body: str = "x") -> Entry:
    report_id = str(uuid.UUID(int=n + 1))
    return Entry(report_id, json.dumps({"type": "T", "id": report_id, "sn": body}).encode())


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox", Store(tmp_path / "state.db"), max_bytes=10_000)


def test_accepted_entries_are_files_and_rows_in_fifo_order(outbox: Outbox) -> None:
    assert outbox.accept([report(0), report(1)], converter="wsjf", source="a.json") == 2
    outbox.accept([report(2)], converter="wsjf", source="b.json")
    items = outbox.items("pending")
    assert [i.id for i in items] == [report(n).id for n in range(3)]
    assert outbox.read(items[0]) == report(0).data
    assert sorted(p.name for p in outbox.folder.iterdir()) == sorted(i.file for i in items)


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
    assert len(list(outbox.folder.iterdir())) == 1  # the old version's file is gone


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
    assert len(list(outbox.folder.iterdir())) == 1


def test_corrupt_or_missing_file_is_detected(outbox: Outbox) -> None:
    outbox.accept([report(0), report(1)], converter="wsjf", source="a")
    first, second = outbox.items()
    (outbox.folder / first.file).write_bytes(report(0).data[:10])  # truncated
    (outbox.folder / second.file).unlink()
    with pytest.raises(CorruptItemError, match="corrupt"):
        outbox.read(first)
    with pytest.raises(CorruptItemError, match="missing"):
        outbox.read(second)
    problems = dict(outbox.problems())
    assert problems == {first.file: "checksum mismatch", second.file: "data file missing"}


class FailingDisk(DiskIO):
    def __init__(self, step: str, code: int) -> None:
        self.step, self.code = step, code

    def _maybe_fail(self, step: str) -> None:
        if step == self.step:
            raise OSError(self.code, "injected")

    def write(self, path: Path, data: bytes) -> None:
        self._maybe_fail("write")
        super().write(path, data)

    def rename(self, source: Path, target: Path) -> None:
        self._maybe_fail("rename")
        super().rename(source, target)


@pytest.mark.parametrize("step", ["write", "rename"])
def test_enospc_leaves_nothing_half_done(tmp_path: Path, step: str) -> None:
    store = Store(tmp_path / "s.db")
    broken = Outbox(tmp_path / "o", store, max_bytes=10**6, disk=FailingDisk(step, errno.ENOSPC))
    entry = LedgerEntry("in/a.json", 1, 1, "00" * 32, "accepted", 1.0)
    with pytest.raises(OSError, match="injected"):
        broken.accept([report(0), report(1)], converter="wsjf", source="a", ledger=entry)
    assert broken.items() == []
    assert store.ledger_get("in/a.json") is None
    assert list(broken.folder.iterdir()) == []
    healthy = Outbox(tmp_path / "o", store, max_bytes=10**6)
    assert healthy.accept([report(0), report(1)], converter="wsjf", source="a", ledger=entry) == 2


def test_recovery_adopts_orphans_and_sets_aside_the_rest(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    outbox = Outbox(tmp_path / "o", store, max_bytes=10**6)
    outbox.accept([report(0)], converter="wsjf", source="a")
    (queued,) = outbox.items()
    # A crash between rename and commit leaves a complete, unreferenced report file.
    orphan = report(1)
    orphan_name = f"{orphan.id}-{__import__('hashlib').sha256(orphan.data).hexdigest()[:16]}.json"
    (outbox.folder / orphan_name).write_bytes(orphan.data)
    (outbox.folder / f".tmp-{orphan_name}").write_bytes(b"{half")
    (outbox.folder / "notes.txt").write_text("operator left this here")
    (outbox.folder / f"{uuid.UUID(int=99)}-{'0' * 16}.json").write_bytes(b"\x00garbage")
    (outbox.folder / queued.file).write_bytes(b"{}")  # corrupt queued item
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


class InterleavingDisk(DiskIO):
    """Thread "A" pauses at its folder fsync until released; thread "B" fails there (ENOSPC)."""

    def __init__(self) -> None:
        self.a_paused = threading.Event()
        self.release_a = threading.Event()

    def fsync_dir(self, path: Path) -> None:
        name = threading.current_thread().name
        if name == "A":
            self.a_paused.set()
            assert self.release_a.wait(10)
        elif name == "B":
            raise OSError(errno.ENOSPC, "injected")
        super().fsync_dir(path)


def test_a_failing_twin_accept_never_removes_the_file_another_accept_commits(
    tmp_path: Path,
) -> None:
    # Two identical files (same id, same bytes) are accepted at once; the second fails.
    disk = InterleavingDisk()
    outbox = Outbox(tmp_path / "o", Store(tmp_path / "s.db"), max_bytes=10**6, disk=disk)
    errors: dict[str, BaseException] = {}

    def accept() -> None:
        try:
            outbox.accept([report(7)], converter="wsjf", source=threading.current_thread().name)
        except OSError as error:
            errors[threading.current_thread().name] = error

    first = threading.Thread(target=accept, name="A")
    first.start()
    assert disk.a_paused.wait(10)
    second = threading.Thread(target=accept, name="B")
    second.start()
    second.join(0.5)  # B either fails now or waits for A
    disk.release_a.set()
    first.join(10)
    second.join(10)
    assert "A" not in errors
    [item] = outbox.items()
    assert outbox.read(item) == report(7).data
    assert outbox.problems() == []
