"""Submitted reports are parsed on a bounded number of threads: concurrent large reports wait
instead of multiplying the memory one needs."""

from __future__ import annotations

import threading

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
