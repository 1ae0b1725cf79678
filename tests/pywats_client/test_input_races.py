"""Input races at the watch folder: files arrive the ways real test equipment writes them.

The service runs in-process against the live local server; files are written with real
timing (a writer still appending, a replacement under the same name, a rename into the folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pywats import WATS

from ._harness import Reports, eventually, running, tuned_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


async def test_file_renamed_into_the_folder_and_deep_folders(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "RACE-rename"
    config = tuned_config(tmp_path, base_url, token, station=station)
    reports = Reports(samples, station)
    outside = tmp_path / "elsewhere"
    deep = Path(*(f"level{n}" for n in range(12)))
    async with running(config) as service:
        reports.write(outside / "moved.json")
        os.rename(outside / "moved.json", tmp_path / "in" / "moved.json")
        reports.write(tmp_path / "in" / deep / "deep.json")
        await eventually(lambda: service.outbox.stats().delivered == 2, what="delivery")
    assert (tmp_path / "in" / "Done" / "moved.json").exists()
    assert (tmp_path / "in" / "Done" / deep / "deep.json").exists()
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)
