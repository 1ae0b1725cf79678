"""The outbox under a simulated power cut at every step of its write sequence.

A scenario (accept batches, replace a report by a new version, deliver, prune; two reports were
queued by a service from before documents moved into the database, with their files) runs once
to count its steps (database transactions and file removals), then once per step and seed with
the power failing just before that step (`_power` says what is simulated and how). The
surviving state is opened as the next start would open it: recovery runs, without any manual
repair, and then every report whose `accept` returned (the moment the source file may be moved
away) is still queued with a version that was given to it, intact; the database passes
SQLite's integrity check; a second start has nothing left to repair.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from pywats_client._durable import DiskIO
from pywats_client._outbox import Entry, Outbox
from pywats_client._quarantine import Quarantine
from pywats_client._store import LedgerEntry, Store

from ._old_outbox import queue_in_old_layout
from ._power import PowerCut, PowerCutDisk, PowerCutStore

_NAMESPACE = uuid.UUID("6f1d6c38-7b8e-4f3e-9a51-2a0d4c1f0b77")


def _entry(number: int, version: int = 1) -> Entry:
    report_id = str(uuid.uuid5(_NAMESPACE, str(number)))
    document = {"id": report_id, "sn": f"POWER-{number}", "version": version}
    document["pad"] = "x" * (200 * (number + version))  # sizes differ, so tears are visible
    return Entry(report_id, json.dumps(document).encode())


class _Clock:
    """Moves one second per reading, so every write has its own time."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        self.now += 1.0
        return self.now

    def monotonic(self) -> float:
        return self.time()


class _Run:
    """What the scenario gave the outbox, and what it was told was done."""

    def __init__(self) -> None:
        self.given: dict[str, set[bytes]] = {}  # every version of a report ever offered
        self.accepted: set[str] = set()  # ids whose accept() returned
        self.sources: set[str] = set()  # sources whose accept() returned (moved away next)
        self.delivered: set[str] = set()  # ids whose mark_delivered() returned


#: Queued in the old layout (a file each) before the scenario starts.
_OLD = [_entry(10), _entry(11)]


def _scenario(outbox: Outbox, run: _Run) -> None:
    batches = [
        [_entry(0), _entry(1), _entry(2)],
        [_entry(3)],
        [_entry(0, version=2)],  # the same report again, changed: replaces its row
        [_entry(4), _entry(5), _entry(10, version=2)],  # replaces an old-layout file
    ]
    for number, batch in enumerate(batches):
        source = f"in/s{number}.json"
        ledger = LedgerEntry(source, 100, 1, f"{number:064x}", "accepted", 1.0)
        for entry in batch:
            run.given.setdefault(entry.id, set()).add(entry.data)
        outbox.accept(batch, converter="wsjf", source=source, ledger=ledger)
        run.accepted |= {entry.id for entry in batch}
        run.sources.add(source)
        if number == 1:
            for delivered in (_entry(1), _entry(11)):
                outbox.mark_delivered(delivered.id)
                run.delivered.add(delivered.id)
            outbox.prune(0)  # their rows go, and the old-layout one's file
    outbox.mark_delivered(_entry(3).id)
    run.delivered.add(_entry(3).id)


def _run_until_cut(root: Path, cut_at: int | None, seed: int) -> tuple[PowerCutDisk, _Run]:
    data = root / "data"
    queue_in_old_layout(data / "outbox", data / "state.db", _OLD)
    disk = PowerCutDisk(data / "outbox", data / "state.db", root / "image", cut_at, seed)
    store = PowerCutStore(data / "state.db", disk)
    outbox = Outbox(data / "outbox", store, max_bytes=10**9, disk=disk, clock=_Clock())
    run = _Run()
    for entry in _OLD:
        run.given[entry.id] = {entry.data}
        run.accepted.add(entry.id)
    try:
        _scenario(outbox, run)
    except PowerCut:
        pass
    finally:
        store.close()
    return disk, run


def _restart(image: Path) -> tuple[Store, Outbox, dict[str, int], list[str]]:
    store = Store(image / "state.db")
    outbox = Outbox(image / "outbox", store, max_bytes=10**9, disk=DiskIO())
    quarantine = Quarantine(image / "quarantine", DiskIO())
    set_aside: list[str] = []

    def aside(path: Path, reason: str) -> None:
        set_aside.append(f"{path.name}: {reason}")
        quarantine.put(path, reason=reason, converter="outbox")

    return store, outbox, outbox.recover(aside), set_aside


def _steps(folder: Path) -> int:
    disk, run = _run_until_cut(folder, None, 0)
    assert len(run.accepted) == 8, "the dry run completes"
    return disk.steps


@pytest.mark.parametrize(
    "seed", [1, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(2, 10))]
)
def test_no_acknowledged_report_is_lost_at_any_power_cut(tmp_path: Path, seed: int) -> None:
    steps = _steps(tmp_path / "dry-run")
    assert steps >= 10, "every commit and file removal is a cut point"
    for cut_at in range(steps):
        root = tmp_path / f"cut-{cut_at}"
        disk, run = _run_until_cut(root, cut_at, seed * 1000 + cut_at)
        assert disk.cut, f"the power failed before step {cut_at}"
        image = root / "image"
        store, outbox, summary, set_aside = _restart(image)
        where = f"power cut before step {cut_at} (seed {seed}): recovery {summary}, {set_aside}"
        try:
            with sqlite3.connect(image / "state.db") as check:
                assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok", where
            for report_id in run.accepted - run.delivered:
                item = outbox.get(report_id)
                assert item is not None, f"{report_id} lost: {where}"
                assert item.state == "pending", f"{report_id} set aside: {where}"
                assert outbox.read(item) in run.given[report_id], f"{report_id}: {where}"
            for source in run.sources:
                assert store.ledger_get(source) is not None, f"ledger of {source}: {where}"
            for item in outbox.items(limit=1000):
                if item.state == "pending":  # anything queued is something the scenario gave
                    assert outbox.read(item) in run.given[item.id], where
            assert outbox.problems() == [], where
        finally:
            store.close()
        store, outbox, again, _ = _restart(image)
        store.close()
        assert not any(again.values()), f"a second start repairs nothing more: {again}, {where}"
