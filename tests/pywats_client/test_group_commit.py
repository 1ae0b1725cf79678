"""Group commit: acceptances waiting for a commit in progress are committed together, each
follow-up runs after its commit, and a failed commit fails every acceptance of its group."""

from __future__ import annotations

import errno
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import pytest

from pywats_client._group_commit import Accepted, GroupCommit
from pywats_client._outbox import Acceptance, Entry, Outbox
from pywats_client._store import Store

pytestmark = pytest.mark.anyio


def acceptance(n: int, source: str) -> Acceptance:
    report_id = str(uuid.UUID(int=n + 1))
    document = json.dumps({"type": "T", "id": report_id, "source": source}).encode()
    return Acceptance([Entry(report_id, document)], "wsjf", source)


class HeldStore(Store):
    """The real database, whose first commit is held until released; commits are counted."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reached = threading.Event()
        self.release = threading.Event()
        self.commits = 0
        self.fail: OSError | None = None

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Cursor]:
        self.commits += 1
        if self.commits == 1:
            self.reached.set()
            self.release.wait(30)
        if self.fail is not None:
            raise self.fail
        with super().transaction(durable=durable) as cursor:
            yield cursor


async def accept_three(outbox: Outbox, store: HeldStore, items: list[Acceptance]) -> list[Accepted]:
    """The first acceptance commits alone and is held; the other two arrive meanwhile."""
    commits = GroupCommit(outbox)
    outcomes: dict[int, Accepted] = {}

    def after(source: str) -> bool:
        rows = outbox.store.query("SELECT source FROM outbox WHERE source = ?", (source,))
        return len(rows) == 1  # the follow-up sees its own commit

    async def one(n: int) -> None:
        item = items[n]
        outcomes[n] = await commits.accept(item, lambda: after(item.source))

    async with anyio.create_task_group() as group:
        group.start_soon(one, 0)
        await anyio.to_thread.run_sync(store.reached.wait, 30)
        group.start_soon(one, 1)
        group.start_soon(one, 2)
        await anyio.wait_all_tasks_blocked()
        store.release.set()
    return [outcomes[n] for n in range(3)]


async def test_acceptances_that_wait_are_committed_together(tmp_path: Path) -> None:
    store = HeldStore(tmp_path / "state.db")
    outbox = Outbox(tmp_path / "outbox", store, max_bytes=10**6)
    items = [acceptance(0, "a.json"), acceptance(1, "b.json"), acceptance(2, "c.json")]
    outcomes = await accept_three(outbox, store, items)
    assert [(o.count, o.then, o.error) for o in outcomes] == [(1, True, None)] * 3
    assert store.commits == 2, "the two that waited shared one commit"
    assert outbox.stats().pending == 3


async def test_a_failed_commit_fails_its_whole_group_and_runs_no_follow_up(
    tmp_path: Path,
) -> None:
    store = HeldStore(tmp_path / "state.db")
    store.fail = OSError(errno.ENOSPC, "No space left on device")
    outbox = Outbox(tmp_path / "outbox", store, max_bytes=10**6)
    items = [acceptance(0, "a.json"), acceptance(1, "b.json"), acceptance(2, "c.json")]
    outcomes = await accept_three(outbox, store, items)
    assert all(o.error is store.fail and o.then is None for o in outcomes)
    assert outbox.stats().pending == 0


async def test_the_same_report_twice_is_committed_in_turn(tmp_path: Path) -> None:
    store = HeldStore(tmp_path / "state.db")
    outbox = Outbox(tmp_path / "outbox", store, max_bytes=10**6)
    items = [acceptance(0, "a.json"), acceptance(5, "b.json"), acceptance(5, "c.json")]
    outcomes = await accept_three(outbox, store, items)
    assert [o.count for o in outcomes] == [1, 1, 1], "the last version replaced the one before"
    assert store.commits == 3, "the two versions of one report were not in one commit"
    assert [item.source for item in outbox.items()] == ["a.json", "c.json"]
    assert outbox.read(outbox.items()[1]) == items[2].entries[0].data
