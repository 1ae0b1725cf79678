"""Input races at the watch folder: files arrive the ways real test equipment writes them.

The service runs in-process against the live local server; files are written with real
timing (a writer still appending, a replacement under the same name, a rename into the folder).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import anyio
import pytest
from tests._poll import eventually

from pywats import WATS
from pywats_client._workers import Converted, Failed, Job

from ._harness import Reports, running, tuned_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
    # watchdog's observer thread warns when new folders nest faster than it adds watches
    # (it replaces the duplicate watch: harmless); as an error it would end that thread.
    pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning"),
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


async def test_a_folder_of_results_moved_in_is_found_without_waiting_for_a_rescan(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "RACE-folder"
    settings = {"intake.rescan_seconds": 3600}  # only the start-up scan: events must do it
    config = tuned_config(tmp_path, base_url, token, station=station, settings=settings)
    reports = Reports(samples, station)
    staged = tmp_path / "staging" / "lot-7"
    for n in range(5):
        reports.write(staged / "panel" / f"board-{n}.json")
    reports.write(tmp_path / "in" / "first.json")
    async with running(config) as service:
        # Once the file found by the start-up scan is delivered, that scan is over.
        await eventually(lambda: service.outbox.stats().delivered == 1, what="the first file")
        os.rename(staged, tmp_path / "in" / "lot-7")
        await eventually(lambda: service.outbox.stats().delivered == 6, what="the folder")
    assert len(list((tmp_path / "in" / "Done" / "lot-7" / "panel").iterdir())) == 5
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


async def test_a_watch_folder_deleted_and_recreated_is_watched_again(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "RACE-recreated"
    settings = {"intake.rescan_seconds": 3600}  # only the start-up scan: events must do it
    config = tuned_config(tmp_path, base_url, token, station=station, settings=settings)
    reports = Reports(samples, station)
    reports.write(tmp_path / "in" / "first.json")
    async with running(config) as service:
        await eventually(lambda: service.outbox.stats().delivered == 1, what="the first file")
        # An operator clears the folder by deleting it, or a share is unmounted and mounted.
        shutil.rmtree(tmp_path / "in")
        (tmp_path / "in").mkdir()
        reports.write(tmp_path / "in" / "second.json")
        await eventually(lambda: service.outbox.stats().delivered == 2, what="the second file")
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


async def test_a_file_still_being_written_is_taken_once_complete(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "RACE-slow-writer"
    settings = {"intake.stable_seconds": 0.6}
    config = tuned_config(tmp_path, base_url, token, station=station, settings=settings)
    reports = Reports(samples, station)
    document = reports.document()
    data = json.dumps(document).encode()
    reports.expect(document, data)
    chunks = [data[start : start + 100] for start in range(0, len(data), 100)]
    async with running(config) as service:
        # A tester writing its result over ~1.5 s with pauses shorter than stable_seconds:
        # taken early, the half file would be quarantined as "not a WSJF report".
        async with await anyio.open_file(tmp_path / "in" / "slow.json", "wb") as handle:
            for chunk in chunks:
                await handle.write(chunk)
                await handle.flush()
                await anyio.sleep(1.5 / len(chunks))
        await eventually(lambda: service.outbox.stats().delivered == 1, what="delivery")
        assert service.quarantine.entries() == []
        assert service.metrics.total("accepted_total") == 1
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


@pytest.mark.parametrize("after", ["move", "keep"])
async def test_a_file_replaced_under_the_same_name_makes_a_second_report(
    tmp_path: Path, samples: Path, live_server: object, after: str
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = f"RACE-replace-{after}"
    config = tuned_config(tmp_path, base_url, token, station=station, after=after)
    reports = Reports(samples, station)
    source = tmp_path / "in" / "result.json"
    async with running(config) as service:
        # Files without an id: the id comes from the content, so each version is its own report.
        first = reports.write(source, with_id=False)
        await eventually(lambda: service.outbox.stats().delivered == 1, what="the first version")
        second = reports.write(source, with_id=False)
        await eventually(lambda: service.outbox.stats().delivered == 2, what="the second version")
        if after == "keep":
            # The same bytes written again are the same result: no third report.
            os.utime(source)
            touched = source.stat().st_mtime_ns
            ledger = service.outbox.store.ledger_get
            await eventually(
                lambda: getattr(ledger(str(source)), "mtime_ns", 0) == touched,
                what="the touched file to be looked at again",
            )
            assert service.metrics.total("accepted_total") == 2
    assert first != second
    if after == "move":
        assert sorted(p.name for p in (tmp_path / "in" / "Done").iterdir()) == [
            "result-2.json",
            "result.json",
        ]
    else:
        assert source.exists()
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


@pytest.mark.parametrize("after", ["move", "delete"])
async def test_a_file_replaced_while_its_first_version_converts_is_not_lost(
    tmp_path: Path, samples: Path, live_server: object, after: str
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = f"RACE-replace-busy-{after}"
    config = tuned_config(tmp_path, base_url, token, station=station, after=after)
    reports = Reports(samples, station)
    source = tmp_path / "in" / "result.json"
    async with running(config) as service:
        convert = service.pool.convert

        async def convert_then_replace(job: Job) -> Converted | Failed:
            # The tester writes its next result under the same name while the first converts
            # (only the moment is chosen here; the replacement is a real file operation).
            outcome = await convert(job)
            if len(reports.expected) == 1:
                reports.write(source, with_id=False)
            return outcome

        service.pool.convert = convert_then_replace  # type: ignore[method-assign]
        reports.write(source, with_id=False)
        await eventually(lambda: service.outbox.stats().delivered == 2, what="both versions")
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


async def test_a_thousand_files_at_once(tmp_path: Path, samples: Path, live_server: object) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "RACE-thousand"
    settings = {"intake.workers": 2, "outbox.upload_concurrency": 4}
    config = tuned_config(tmp_path, base_url, token, station=station, settings=settings)
    reports = Reports(samples, station)
    async with running(config) as service:
        for n in range(1000):
            reports.write(tmp_path / "in" / f"batch-{n // 100}" / f"r{n:04}.json")
        await eventually(
            lambda: service.outbox.stats().delivered == 1000, within=180, what="1,000 reports"
        )
        assert service.quarantine.entries() == []
        assert service.restarts == {}
    assert not list((tmp_path / "in").glob("batch-*/*.json")), "every source moved to Done"
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)
