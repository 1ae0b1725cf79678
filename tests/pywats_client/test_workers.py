"""Conversion in worker processes: a crash or a hang costs one file, never the pool."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import anyio
import pytest
from tests._poll import eventually

from pywats_client import Station
from pywats_client._workers import WORKER_COMMAND, Converted, ConverterPool, Failed, Job
from pywats_client.converters import report_id

pytestmark = pytest.mark.anyio


def job(converter: str, data: bytes, name: str = "in/file") -> Job:
    return Job(converter, {}, name, data, Station("ICT-01", "Line 1", "Production"))


async def test_failures_cost_one_file_each(samples: Path, misbehaving: Path) -> None:
    good = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    pool = ConverterPool(size=1, timeout=2.0)
    try:
        crashed = await pool.convert(job("crash", b"x"))
        hung = await pool.convert(job("hang", b"x"))
        boom = await pool.convert(job("boom", b"x", "in/r.boom"))
        empty = await pool.convert(job("nothing", b"x"))
        converted = await pool.convert(job("wsjf", good))
    finally:
        pool.close()
    assert isinstance(crashed, Failed)
    assert crashed.kind == "crash"
    assert "exit code 3" in crashed.reason
    assert isinstance(hung, Failed)
    assert hung.kind == "timeout"
    assert "longer than 2 s" in hung.reason
    assert isinstance(boom, Failed)
    assert "in/r.boom: converter 'boom' failed: KeyError" in boom.reason
    assert any("about to fail on r.boom" in line for line in boom.log)
    assert any("Traceback" in line for line in boom.log)
    assert isinstance(empty, Failed)
    assert "found no reports" in empty.reason
    assert isinstance(converted, Converted)  # the one worker survived all of the above
    ((report_id_, document),) = converted.reports
    assert json.loads(document) == json.loads(good)
    assert report_id_ == "33a2d408-3fc8-480b-b554-6866c77fd91c"


async def test_reports_without_id_get_deterministic_ids_and_station(samples: Path) -> None:
    document = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    del document["id"]
    document["machineName"] = ""
    document["location"] = ""
    data = json.dumps([document, document]).encode()
    pool = ConverterPool(size=1, timeout=30.0)
    try:
        first = await pool.convert(job("wsjf", data))
        again = await pool.convert(job("wsjf", data))
    finally:
        pool.close()
    assert isinstance(first, Converted)
    assert isinstance(again, Converted)
    digest = hashlib.sha256(data).hexdigest()
    assert [i for i, _ in first.reports] == [report_id("ICT-01", digest, n) for n in range(2)]
    assert first.reports == again.reports
    converted = json.loads(first.reports[0][1])
    assert converted["id"] == first.reports[0][0]
    assert (converted["machineName"], converted["location"]) == ("ICT-01", "Line 1")
    assert converted["purpose"] == document["purpose"]  # present values are kept


def worker_pids() -> set[int]:
    """This process's children that are conversion workers, as the kernel lists them."""
    found = set()
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except FileNotFoundError:
                continue  # exited meanwhile
            if b"_worker_process" in command and Path(f"/proc/{pid}/stat").exists():
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.add(int(pid))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")


@needs_proc
async def test_workers_start_with_the_first_file_and_retire_when_idle(samples: Path) -> None:
    good = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    before = worker_pids()
    pool = ConverterPool(size=2, timeout=30.0, idle_seconds=0.5)
    async with anyio.create_task_group() as group:
        group.start_soon(pool.run)
        try:
            await anyio.sleep(0.2)
            assert pool.running == 0
            assert worker_pids() == before, "no worker process before a file needs one"
            first = await pool.convert(job("wsjf", good))
            assert isinstance(first, Converted)
            assert pool.running == 1
            (started,) = worker_pids() - before
            second = await pool.convert(job("wsjf", good))
            assert isinstance(second, Converted)
            assert worker_pids() - before == {started}, "an idle worker takes the next file"
            await eventually(lambda: pool.running == 0, within=30, what="idle worker retired")
            await eventually(lambda: worker_pids() == before, within=30, what="worker exited")
            again = await pool.convert(job("wsjf", good))
            assert isinstance(again, Converted)
            assert pool.running == 1
            (restarted,) = worker_pids() - before
            assert restarted != started, "the next file starts a new worker"
        finally:
            pool.close()
            group.cancel_scope.cancel()
    assert pool.running == 0
    assert worker_pids() == before


async def test_concurrent_files_start_at_most_size_workers(samples: Path) -> None:
    good = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    pool = ConverterPool(size=2, timeout=30.0)
    outcomes: list[Converted | Failed] = []
    most = 0

    async def convert() -> None:
        outcomes.append(await pool.convert(job("wsjf", good)))

    async def watch() -> None:
        nonlocal most
        while True:
            most = max(most, pool.running)
            await anyio.sleep(0.01)

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(watch)
            async with anyio.create_task_group() as jobs:
                for _ in range(6):
                    jobs.start_soon(convert)
            group.cancel_scope.cancel()
    finally:
        pool.close()
    assert all(isinstance(o, Converted) for o in outcomes)
    assert len(outcomes) == 6
    assert 1 <= most <= 2


async def test_a_worker_that_dies_while_starting_fails_no_file(
    samples: Path, tmp_path: Path
) -> None:
    """The first worker exits before it is ready: the job is 'unavailable' (the file is not
    at fault, intake takes it again later), the pool says why, and the next start works."""
    good = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    marker = tmp_path / "crashed-once"
    script = (
        "import os, sys\n"
        f"marker = {str(marker)!r}\n"
        "if not os.path.exists(marker):\n"
        "    open(marker, 'w').close()\n"
        "    os._exit(7)\n"
        f"{WORKER_COMMAND[2]}\n"
    )
    pool = ConverterPool(size=1, timeout=30.0, command=(sys.executable, "-c", script))
    try:
        failed = await pool.convert(job("wsjf", good, "in/first.json"))
        assert isinstance(failed, Failed)
        assert failed.kind == "unavailable"
        assert failed.reason.startswith("in/first.json: a conversion worker did not start")
        assert "exited with code 7" in failed.reason
        assert pool.start_error is not None
        assert "code 7" in pool.start_error
        assert pool.running == 0
        converted = await pool.convert(job("wsjf", good, "in/first.json"))
        assert isinstance(converted, Converted)
        assert pool.start_error is None
        assert pool.running == 1
    finally:
        pool.close()


async def test_a_worker_that_never_answers_is_killed_at_the_start_timeout(
    samples: Path,
) -> None:
    good = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    silent = (sys.executable, "-c", "import time; time.sleep(3600)")
    pool = ConverterPool(size=1, timeout=30.0, start_timeout=1.0, command=silent)
    try:
        failed = await pool.convert(job("wsjf", good))
    finally:
        pool.close()
    assert isinstance(failed, Failed)
    assert failed.kind == "unavailable"
    assert "did not start within 1 s" in failed.reason
    assert pool.running == 0
