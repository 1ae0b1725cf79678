"""Outbox disk trouble beyond a full disk (see `test_disk_faults.py`): a read-only outbox,
corrupt or truncated items and foreign files. Nothing is lost, nothing crash-loops.

The read-only fault is injected at the outbox's write seam (`DiskIO`): the tests run as root,
for whom permission bits do not make a folder read-only. Service, server and files are real.
"""

from __future__ import annotations

import errno
import json
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest

from pywats import AsyncWATS
from pywats_client._config import load_config
from pywats_client._durable import DiskIO
from pywats_client._service import Service

from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

CONVERTER = '[[converters]]\ntype = "wsjf"\nwatch = "in"\n'
UUR = "83ac0b8e-b575-4004-94de-f905774c3ed8"


class FaultyDisk(DiskIO):
    """Raises `code` at one step (`write`, `fsync`, `rename`) while `broken` is set."""

    def __init__(self, step: str, code: int) -> None:
        self.step, self.code, self.broken, self.failures = step, code, True, 0

    def _check(self, step: str) -> None:
        if self.broken and step == self.step:
            self.failures += 1
            raise OSError(self.code, f"{errno.errorcode[self.code]} (injected at {step})")

    def write(self, path: Path, data: bytes) -> None:
        self._check("write")
        super().write(path, data)

    def fsync(self, path: Path) -> None:
        self._check("fsync")
        super().fsync(path)

    def rename(self, source: Path, target: Path) -> None:
        self._check("rename")
        super().rename(source, target)


async def eventually(check: Callable[[], bool], within: float = 30.0) -> None:
    with anyio.fail_after(within):
        while True:
            if check():
                return
            await anyio.sleep(0.05)


@asynccontextmanager
async def running(
    tmp_path: Path, server_app: object, token: str, disk: DiskIO | None = None
) -> AsyncIterator[Service]:
    config = write_config(tmp_path, "http://testserver", token, converters=CONVERTER)
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    service = Service(load_config(config), transport=transport, disk=disk)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await eventually(service.is_ready)
        yield service
        service.stop()


async def on_server(server_app: object, token: str, report_id: str) -> dict[str, object]:
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    async with AsyncWATS(base_url="http://testserver", token=token, transport=transport) as c:
        return (await c.reports.get(report_id)).raw


async def test_a_read_only_outbox_pauses_intake_then_everything_is_delivered(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    code = errno.EROFS
    disk = FaultyDisk("write", code)
    async with running(tmp_path, server_app, server_token, disk) as service:
        shutil.copy(samples / "wats" / "uur-example.json", tmp_path / "in" / "uur.json")
        await eventually(lambda: disk.failures >= 2)  # retried, not given up or crashed
        assert (tmp_path / "in" / "uur.json").exists()  # the source waits in its folder
        assert service.outbox.items() == []
        assert errno.errorcode[code] in " ".join(service.health())
        assert service.status()["intake"]["disk_error"]
        disk.broken = False
        await eventually(lambda: service.outbox.stats().delivered == 1)
        assert service.health() == []
        assert service.restarts == {}  # backed off, never a crash loop
    assert not list((tmp_path / "data" / "outbox").glob(".tmp-*"))
    stored = await on_server(server_app, server_token, UUR)
    assert stored == json.loads((samples / "wats" / "uur-example.json").read_bytes())


async def test_corrupt_items_and_foreign_files_are_set_aside_at_start(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    # Fill the outbox while the server is unreachable, so the items stay queued.
    config = write_config(tmp_path, "http://127.0.0.1:9", server_token, converters=CONVERTER)
    (tmp_path / "in").mkdir()
    uut = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    for n in range(3):
        (tmp_path / "in" / f"r{n}.json").write_text(
            json.dumps(dict(uut, id=f"00000000-0000-4000-8000-00000000000{n}", sn=f"DISK-{n}"))
        )
    offline = Service(load_config(config))
    async with anyio.create_task_group() as group:
        group.start_soon(partial(offline.run, handle_signals=False))
        await eventually(lambda: offline.outbox.stats().pending == 3)
        offline.stop()
    outbox = tmp_path / "data" / "outbox"
    first, second, _ = sorted(outbox.iterdir())
    first.write_bytes(first.read_bytes()[:100])  # truncated
    second.write_bytes(b"\0" * second.stat().st_size)  # corrupt, same size
    (outbox / "desktop.ini").write_text("[.ShellClassInfo]")  # foreign
    async with running(tmp_path, server_app, server_token) as service:
        await eventually(lambda: service.outbox.stats().delivered == 1)
        stats = service.outbox.stats()
        quarantined = {i.id: i.last_error for i in service.outbox.items("quarantined")}
        foreign = [e for e in service.quarantine.entries() if e.converter == "outbox"]
    assert (stats.pending, stats.quarantined) == (0, 2)
    assert all("corrupt" in (reason or "") for reason in quarantined.values())
    assert [e.reason for e in foreign] == ["foreign file in the outbox folder"]
    assert not (outbox / "desktop.ini").exists()
    assert (tmp_path / "data" / "quarantine" / foreign[0].name).read_text() == "[.ShellClassInfo]"
