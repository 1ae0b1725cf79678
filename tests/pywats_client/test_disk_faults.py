"""Disk faults at the write seam: the outbox cannot write, so intake waits; nothing is lost.

The faults are injected into `DiskIO` (the one seam every durable byte goes through) because a
full or read-only disk cannot be made on demand here; everything else is real: the service runs
in-process against the live local server, with real files and worker processes.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from pywats import WATS
from pywats_client._durable import DiskIO

from ._harness import Reports, eventually, running, tuned_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


class FailingDisk(DiskIO):
    """Real disk I/O, except that `step` raises `error` while `failing` is set."""

    def __init__(self, step: str, error: int) -> None:
        self.step = step
        self.error = error
        self.failing = True
        self.failures = 0

    def _check(self, step: str, path: Path) -> None:
        if self.failing and step == self.step:
            self.failures += 1
            raise OSError(self.error, os.strerror(self.error), str(path))

    def write(self, path: Path, data: bytes) -> None:
        self._check("write", path)
        super().write(path, data)

    def rename(self, source: Path, target: Path) -> None:
        self._check("rename", source)
        super().rename(source, target)


@pytest.mark.parametrize("step", ["write", "rename"])
async def test_enospc_pauses_intake_until_space_returns(
    tmp_path: Path, samples: Path, live_server: object, step: str
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = f"ENOSPC-{step}"
    config = tuned_config(tmp_path, base_url, token, station=station)
    reports = Reports(samples, station)
    disk = FailingDisk(step, errno.ENOSPC)
    async with running(config, disk=disk) as service:
        for n in range(3):
            reports.write(tmp_path / "in" / f"r{n}.json")
        await eventually(lambda: disk.failures >= 2, what="writes to fail")
        assert "No space left on device" in (service.intake.state.disk_error or "")
        assert any("outbox cannot be written" in p for p in service.health())
        assert sorted(p.name for p in (tmp_path / "in").glob("*.json")) == [
            "r0.json",
            "r1.json",
            "r2.json",
        ], "sources stay in the watch folder while the outbox cannot take them"
        assert [p.name for p in service.outbox.folder.iterdir()] == [], "no half-written files"
        disk.failing = False
        await eventually(lambda: service.outbox.stats().delivered == 3, what="delivery")
        assert service.intake.state.disk_error is None
        assert service.restarts == {}, "a disk fault is handled, not a task crash"
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)
