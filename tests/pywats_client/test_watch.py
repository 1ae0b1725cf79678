"""Watch folders: patterns, stability, rescans and the races real writers cause."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from tests._poll import eventually

from pywats_client._watch import Ready, Watcher, WatchSpec, matches

pytestmark = pytest.mark.anyio


def spec(folder: Path, **kwargs: object) -> WatchSpec:
    values: dict[str, object] = {"patterns": ("*.json",), "skip": (folder / "Done",)}
    values.update(kwargs)
    return WatchSpec(0, folder, **values)  # type: ignore[arg-type]


def test_patterns_excludes_hidden_and_skipped_folders(tmp_path: Path) -> None:
    s = spec(tmp_path, exclude=("*.partial.json", "archive/*"))
    assert matches(s, tmp_path / "a.json")
    assert matches(s, tmp_path / "deep" / "er" / "B.JSON")
    assert not matches(s, tmp_path / "a.xml")
    assert not matches(s, tmp_path / ".a.json")
    assert not matches(s, tmp_path / "x.partial.json")
    assert not matches(s, tmp_path / "archive" / "old.json")
    assert not matches(s, tmp_path / "Done" / "a.json")


class Running:
    def __init__(self, watcher: Watcher, receive: anyio.abc.ObjectReceiveStream[Ready]) -> None:
        self.watcher = watcher
        self.receive = receive

    async def next(self, within: float = 5.0) -> Ready:
        """The next ready file, handled the way intake does: taken away, then released."""
        with anyio.fail_after(within):
            item = await self.receive.receive()
        item.path.unlink()
        self.watcher.release(item.path)
        return item

    async def nothing_for(self, seconds: float) -> None:
        with anyio.move_on_after(seconds):
            item = await self.receive.receive()
            pytest.fail(f"unexpected ready file {item.path}")


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    (tmp_path / "in").mkdir()
    watcher = Watcher([spec(tmp_path / "in")], stable_seconds=0.3, rescan_seconds=30)
    send, receive = anyio.create_memory_object_stream[Ready](2000)
    async with send, receive, anyio.create_task_group() as group:
        group.start_soon(watcher.run, send)
        await watcher.started.wait()
        yield Running(watcher, receive)
        group.cancel_scope.cancel()


async def test_existing_files_are_found_by_the_start_scan(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "old.json").write_text("{}")
    watcher = Watcher([spec(tmp_path / "in")], stable_seconds=0.1, rescan_seconds=30)
    send, receive = anyio.create_memory_object_stream[Ready](10)
    async with send, receive, anyio.create_task_group() as group:
        group.start_soon(watcher.run, send)
        with anyio.fail_after(5):
            item = await receive.receive()
        group.cancel_scope.cancel()
    assert item.path == tmp_path / "in" / "sub" / "old.json"
    assert item.size == 2


async def test_a_file_being_written_waits_until_stable(tmp_path: Path, running: Running) -> None:
    path = tmp_path / "in" / "slow.json"
    with path.open("w") as handle:
        for _ in range(8):  # keeps growing for ~0.8 s, longer than stable_seconds
            handle.write("x" * 100)
            handle.flush()
            await anyio.sleep(0.1)
    started = time.monotonic()
    item = await running.next()
    assert item.size == 800  # never handed over half-written
    assert time.monotonic() - started >= 0.2


async def test_deep_folders_and_files_renamed_into_the_folder(
    tmp_path: Path, running: Running
) -> None:
    deep = tmp_path / "in" / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "deep.json").write_text("{}")
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}")
    os.replace(outside, tmp_path / "in" / "moved.json")
    found = {(await running.next()).path.name, (await running.next()).path.name}
    assert found == {"deep.json", "moved.json"}


async def test_a_file_replaced_under_the_same_name_is_seen_again(
    tmp_path: Path, running: Running
) -> None:
    path = tmp_path / "in" / "r.json"
    path.write_text("first")
    first = await running.next()
    await anyio.sleep(0.3)
    replacement = tmp_path / "in" / ".r.json.tmp"
    replacement.write_text("second version")
    os.replace(replacement, path)
    second = await running.next()
    assert (first.size, second.size) == (5, 14)


async def test_thousand_files_at_once_each_come_once(tmp_path: Path, running: Running) -> None:
    for n in range(1000):
        (tmp_path / "in" / f"{n:04}.json").write_text("{}")
    names = {(await running.next(within=20)).path.name for _ in range(1000)}
    assert len(names) == 1000
    await running.nothing_for(0.6)


class DeafObserver:
    """An observer that misses every event, as on a network share."""

    emitters: tuple[object, ...] = ()  # no watch that could end

    def schedule(self, *args: object, **kwargs: object) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def join(self, timeout: float | None = None) -> None: ...


async def test_the_timed_rescan_finds_what_events_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pywats_client._watch.Observer", DeafObserver)
    folder = tmp_path / "in"
    folder.mkdir()
    watcher = Watcher([spec(folder)], stable_seconds=0.05, rescan_seconds=0.3)
    send, receive = anyio.create_memory_object_stream[Ready](10)
    async with send, receive, anyio.create_task_group() as group:
        group.start_soon(watcher.run, send)
        await watcher.started.wait()
        (folder / "missed.json").write_text("{}")
        with anyio.fail_after(5):
            item = await receive.receive()
        group.cancel_scope.cancel()
    assert item.path.name == "missed.json"


@pytest.mark.parametrize("cause", ["missing", "parent-is-a-file"])
async def test_a_missing_folder_is_never_made_and_is_watched_once_it_appears(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, cause: str
) -> None:
    """An unmounted share must not become a local folder: the watcher names it, watches the
    others, and takes its files once it is there."""
    share = tmp_path / "share"
    if cause == "parent-is-a-file":
        share.write_text("a file where a folder should be")
    absent = WatchSpec(1, share / "in", ("*.json",))
    watcher = Watcher([absent, spec(tmp_path / "in")], stable_seconds=0.05, rescan_seconds=0.2)
    (tmp_path / "in").mkdir()
    send, receive = anyio.create_memory_object_stream[Ready](10)
    async with send, receive, anyio.create_task_group() as group:
        group.start_soon(watcher.run, send)
        await watcher.started.wait()
        (tmp_path / "in" / "a.json").write_text("{}")
        with anyio.fail_after(5):
            first = await receive.receive()
        await anyio.sleep(0.5)  # two rescans: still not made
        assert not (share / "in").exists()
        assert watcher.missing == [absent]
        share.unlink(missing_ok=True)
        (share / "in").mkdir(parents=True)  # the share is mounted
        (share / "in" / "b.json").write_text("{}")
        with anyio.fail_after(5):
            second = await receive.receive()
        # A scan may find the file just before the same rescan starts watching the folder.
        await eventually(lambda: watcher.missing == [], 5, "the folder watched")
        group.cancel_scope.cancel()
    assert (first.path, first.spec.key) == (tmp_path / "in" / "a.json", 0)
    assert (second.path, second.spec.key) == (share / "in" / "b.json", 1)
    # Only the watcher's own records: watchdog may log its own complaint while it stops.
    refusals = [
        r.getMessage()
        for r in caplog.records
        if r.levelname == "ERROR" and r.name == "pywats_client._watch"
    ]
    assert refusals == [
        f"watch folder {share / 'in'} of converters[1] does not exist; its files are taken "
        "once it appears"
    ]
