"""`GroupCommit`: concurrent writes share a call, each caller sees only its own item's failure."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from pywats_server.storage._group_commit import GroupCommit


class Recorder:
    """`write_many` that records its batches; the first call waits for `release`."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.release.set()

    def write_many(self, items: Sequence[str]) -> None:
        self.batches.append(list(items))
        self.release.wait(timeout=30)
        if "bad" in items:
            raise ValueError(f"cannot write {'bad'!r}")


def _queued(group: GroupCommit[str], count: int) -> None:
    deadline = time.monotonic() + 30
    while len(group._queue) < count:  # the callers are parked behind the write in progress
        assert time.monotonic() < deadline, "callers did not queue"
        time.sleep(0.005)


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()


def test_sequential_writes_go_alone() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.write_many, limit=8)
    for item in ("a", "b", "c"):
        group.write(item)
    assert recorder.batches == [["a"], ["b"], ["c"]]


def test_writes_arriving_during_a_write_share_the_next_one_up_to_the_limit() -> None:
    recorder = Recorder()
    recorder.release.clear()
    group = GroupCommit(recorder.write_many, limit=3)
    first = threading.Thread(target=group.write, args=("first",))
    first.start()
    while not recorder.batches:
        time.sleep(0.005)
    others = [threading.Thread(target=group.write, args=(f"r{n}",)) for n in range(5)]
    for thread in others:
        thread.start()
    _queued(group, 5)
    recorder.release.set()
    _join([first, *others])
    assert recorder.batches[0] == ["first"]
    assert [len(batch) for batch in recorder.batches[1:]] == [3, 2]
    assert sorted(item for batch in recorder.batches[1:] for item in batch) == [
        f"r{n}" for n in range(5)
    ]


def test_a_failing_item_fails_only_its_caller() -> None:
    recorder = Recorder()
    recorder.release.clear()
    group = GroupCommit(recorder.write_many, limit=8)
    first = threading.Thread(target=group.write, args=("first",))
    first.start()
    while not recorder.batches:
        time.sleep(0.005)
    errors: dict[str, str] = {}

    def call(item: str) -> None:
        try:
            group.write(item)
        except ValueError as exc:
            errors[item] = str(exc)

    others = [threading.Thread(target=call, args=(item,)) for item in ("x", "bad", "y")]
    for thread in others:
        thread.start()
    _queued(group, 3)
    recorder.release.set()
    _join([first, *others])
    assert errors == {"bad": "cannot write 'bad'"}
    shared, *alone = recorder.batches[1:]
    assert sorted(shared) == ["bad", "x", "y"]
    assert sorted(alone) == [["bad"], ["x"], ["y"]]


def test_a_lone_failure_is_raised_to_its_caller_and_the_next_write_proceeds() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.write_many, limit=8)
    with pytest.raises(ValueError, match="cannot write 'bad'"):
        group.write("bad")
    group.write("good")
    assert recorder.batches == [["bad"], ["good"]]
