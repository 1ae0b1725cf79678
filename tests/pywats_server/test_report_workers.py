"""Submitted reports are parsed on a bounded number of threads: concurrent large reports wait
instead of multiplying the memory one needs; small ones wait for storing on threads apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import anyio
import pytest

from pywats_server._report_workers import ReportWorkers


@pytest.mark.anyio
async def test_no_more_reports_are_parsed_at_once_than_there_are_threads() -> None:
    workers = ReportWorkers(threads=2)
    lock = threading.Lock()
    running, most = 0, 0
    release = threading.Event()

    def parse() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(30)
        with lock:
            running -= 1

    async with anyio.create_task_group() as tasks:
        for _ in range(6):
            tasks.start_soon(workers.run, parse, 30 * 1024 * 1024)
        await anyio.wait_all_tasks_blocked()
        assert running == 2
        release.set()
    assert most == 2
    assert running == 0


@pytest.mark.anyio
async def test_a_failing_parse_raises_to_the_caller() -> None:
    def broken() -> None:
        raise ValueError("not a report")

    with pytest.raises(ValueError, match="not a report"):
        await ReportWorkers().run(broken, 10)


def _parser(parsed: list[int], number: int) -> Callable[[], int]:
    def parse() -> int:
        parsed.append(number)
        return number

    return parse


def _wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.mark.anyio
async def test_small_reports_wait_for_storing_without_holding_the_parsing_threads() -> None:
    """Reports waiting for a shared commit leave the parsing thread to the next reports, so
    more of them share a commit."""
    workers = ReportWorkers(threads=1, storing_threads=4)
    parsed: list[int] = []
    release = threading.Event()

    def store(number: int) -> int:
        release.wait(30)
        return number

    async def submit(number: int) -> None:
        stored.append(await workers.submit(_parser(parsed, number), store, 10))

    stored: list[int] = []
    async with anyio.create_task_group() as tasks:
        for number in range(4):
            tasks.start_soon(submit, number)
        # All four parsed on the one parsing thread while none is stored yet.
        all_parsed = await anyio.to_thread.run_sync(_wait_until, lambda: len(parsed) == 4)
        release.set()
    assert all_parsed
    assert sorted(stored) == [0, 1, 2, 3]
    workers.close()


@pytest.mark.anyio
async def test_a_large_report_is_stored_on_its_parsing_thread() -> None:
    """Large reports never wait side by side: the next one is parsed only after the first is
    stored."""
    workers = ReportWorkers(threads=1, storing_threads=4, store_apart_below=1000)
    parsed: list[int] = []
    storing = threading.Event()
    release = threading.Event()

    def store(number: int) -> int:
        storing.set()
        release.wait(30)
        return number

    async def submit(number: int) -> None:
        await workers.submit(_parser(parsed, number), store, 1000)

    async with anyio.create_task_group() as tasks:
        for number in range(2):
            tasks.start_soon(submit, number)
        assert await anyio.to_thread.run_sync(_wait_until, storing.is_set)
        await anyio.sleep(0.3)  # time enough for a second parse, were it allowed to start
        assert len(parsed) == 1
        release.set()
    assert len(parsed) == 2
    workers.close()
