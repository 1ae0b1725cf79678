"""Running the station service in a test: in-process or as a subprocess, with small reports.

Shared by the whole-station tests. Timings come from the service's config
(`tuned_config`), never from sleeps: a test waits for state with `eventually`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import httpx
from tests._documents import as_exported

from pywats import WATS, NotFoundError
from pywats_client._config import load_config
from pywats_client._durable import DiskIO
from pywats_client._service import Service
from pywats_client.converters import report_id

from .conftest import write_config

WSJF_CONVERTER = '[[converters]]\ntype = "wsjf"\nwatch = "in"\nafter = "{after}"\n'


def tuned_config(
    folder: Path,
    url: str,
    token: str,
    *,
    station: str,
    after: str = "move",
    settings: dict[str, object] | None = None,
) -> Path:
    """`write_config` with one WSJF converter on `folder/in`."""
    converters = WSJF_CONVERTER.format(after=after)
    return write_config(
        folder, url, token, converters=converters, station=station, settings=settings
    )


@asynccontextmanager
async def running(
    config: Path,
    *,
    disk: DiskIO | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[Service]:
    """The service from `config` running in this event loop until the block ends; the block
    sees it ready. `disk` replaces the write seam, `transport` the SDK's HTTP transport."""
    service = Service(load_config(config), config_path=config, disk=disk, transport=transport)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        try:
            yield service
        finally:
            service.stop()


class Expected:
    """The reports one station's files must become on the server, by id."""

    def __init__(self, station: str) -> None:
        self.station = station
        self.expected: dict[str, dict[str, Any]] = {}

    def missing_on(self, client: WATS) -> list[str]:
        """Expected ids the server does not hold yet."""
        missing = []
        for expected_id in self.expected:
            try:
                client.reports.get(expected_id)
            except NotFoundError:
                missing.append(expected_id)
        return missing

    def on_server(self, client: WATS) -> set[str]:
        """Ids of every UUT and UUR report on the server with this station's serial numbers."""
        return {
            header.uuid.lower()
            for kind in ("U", "R")
            for header in client.reports.query_headers(
                f"startswith(serialNumber,'{self.station}-')", report_type=kind, top=10_000
            )
        }

    def check(self, client: WATS) -> None:
        """Every expected report is on the server with the expected content, and no other."""
        for expected_id, document in self.expected.items():
            fetched = client.reports.get(expected_id).raw
            assert as_exported(fetched) == as_exported(document), expected_id
        assert self.on_server(client) == set(self.expected), "unexpected or missing ids"


class Reports(Expected):
    """Small WSJF files written into a watch folder."""

    def __init__(self, samples: Path, station: str) -> None:
        super().__init__(station)
        template = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
        template["root"]["steps"] = []  # ~1.5 kB: the small result file of a quick test
        template["uut"]["stepIdCausedUUTFailure"] = None  # that step is gone with the rest
        self.template = template
        self._count = 0

    def document(self, *, with_id: bool = True) -> dict[str, Any]:
        """A fresh report with a unique serial number (and id, unless `with_id` is false)."""
        self._count += 1
        document = copy.deepcopy(self.template)
        document["sn"] = f"{self.station}-{self._count}"
        if with_id:
            document["id"] = str(uuid.uuid4())
        else:
            del document["id"]
        return document

    def expect(self, document: dict[str, Any], data: bytes) -> str:
        """Record what `data` (holding `document`) must become; returns the report id."""
        expected_id = document.get("id") or report_id(
            self.station, hashlib.sha256(data).hexdigest(), 0
        )
        self.expected[expected_id] = dict(document, id=expected_id)
        return expected_id

    def write(self, path: Path, *, with_id: bool = True) -> str:
        """Write one new report file at `path` (atomically, via a hidden temporary)."""
        document = self.document(with_id=with_id)
        data = json.dumps(document).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.part")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        return self.expect(document, data)
