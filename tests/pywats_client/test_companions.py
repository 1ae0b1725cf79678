"""Audio test converters end to end through `pywats-client run`, and companion folders: a
Klippel log is taken only when its file and its folder are both complete, and the two are
moved, quarantined and retried together.

Each test runs the real station service as a subprocess against a `pywats-server` subprocess.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import pytest
from tests._documents import as_exported
from tests._poll import wait_until

from pywats import WATS
from pywats.report import write_wsjf
from pywats_client._config import ConverterConfig
from pywats_client._identity import Station
from pywats_client._intake import _apply_after
from pywats_client._quarantine import Quarantine
from pywats_client._watch import Watcher, WatchSpec
from pywats_client.converters import Source, read_companion, report_id
from pywats_client.converters.klippel import KlippelConverter
from pywats_client.converters.soundcheck import SoundCheckConverter

from .conftest import StationProcess, write_config

STATION = "AUDIO-LINE"
SOUNDCHECK = {"revision": "1.0", "operation_code": 10, "operator": "oper", "timezone": "UTC"}
KLIPPEL = {"part_number": "PartNumber1", "revision": "1.0", "operation_code": 10}
CONVERTERS = """
[[converters]]
type = "soundcheck"
watch = "in/soundcheck"
[converters.parameters]
revision = "1.0"
operation_code = 10
operator = "oper"
timezone = "UTC"

[[converters]]
type = "klippel"
watch = "in/klippel"
[converters.parameters]
part_number = "PartNumber1"
revision = "1.0"
operation_code = 10
"""

SQLITE = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)


def _config(folder: Path, live_server: object, stable: float = 0.1) -> Path:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    settings = {"intake.stable_seconds": stable}
    return write_config(
        folder, base_url, token, converters=CONVERTERS, station=STATION, settings=settings
    )


def _expected(converter: object, path: Path, companion: Path | None = None) -> dict[str, dict]:
    """The documents the station must deliver for `path` (converted here, as GOLDEN does)."""
    station = Station(STATION, location="Test lab", purpose="Testing")
    source = Source(path, path.read_bytes(), station, read_companion(companion))
    reports = converter.convert(source)  # type: ignore[attr-defined]
    digest = hashlib.sha256(source.data).hexdigest()
    found = {}
    for index, report in enumerate(reports):
        assert report.id == report_id(STATION, digest, index)
        found[report.id] = json.loads(write_wsjf(report))
    return found


def _copy_set(samples: Path, name: str, folder: Path, as_name: str | None = None) -> Path:
    """Copy the Klippel set `name` (file and folder) into `folder`; returns the file."""
    as_name = as_name or name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(samples / "klippel" / name, folder / as_name)
    target = folder / f"{as_name}.txt"
    shutil.copy(samples / "klippel" / f"{name}.txt", target)
    return target


@SQLITE
def test_station_delivers_every_sample_and_moves_each_set_with_its_folder(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    config = _config(tmp_path, live_server)
    expected: dict[str, dict] = {}
    soundcheck = tmp_path / "in" / "soundcheck"
    soundcheck.mkdir(parents=True, exist_ok=True)
    for name in ("soundcheck-us-wats18.txt", "soundcheck-us-complete.txt"):
        shutil.copy(samples / "soundcheck" / name, soundcheck / name)
        expected.update(_expected(SoundCheckConverter(SOUNDCHECK), soundcheck / name))
    klippel = tmp_path / "in" / "klippel"
    for name in ("dut-xyz115", "dut-xyz116"):
        main = _copy_set(samples, name, klippel)
        expected.update(_expected(KlippelConverter(KLIPPEL), main, klippel / name))
    assert len(expected) == 11 + 8 + 2
    station = StationProcess(config)
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    try:
        with WATS(base_url=base_url, token=token) as client:

            def delivered() -> bool:
                try:
                    return all(
                        as_exported(client.reports.get(i).raw) == as_exported(d)
                        for i, d in expected.items()
                    )
                except Exception:
                    return False

            wait_until(delivered, within=120, what="every sample's reports on the server")
        wait_until(lambda: not list(klippel.glob("dut-*")), what="the sets moved to Done")
    finally:
        assert station.stop() == 0
    done = klippel / "Done"
    assert sorted(p.name for p in done.iterdir()) == [
        "dut-xyz115", "dut-xyz115.txt", "dut-xyz116", "dut-xyz116.txt"
    ]  # fmt: skip
    assert len(list((done / "dut-xyz115").iterdir())) == 6
    assert sorted(p.name for p in (soundcheck / "Done").iterdir()) == [
        "soundcheck-us-complete.txt", "soundcheck-us-wats18.txt"
    ]  # fmt: skip
    assert not (tmp_path / "data" / "quarantine").exists() or not list(
        (tmp_path / "data" / "quarantine").iterdir()
    )


@SQLITE
def test_a_set_waits_for_its_folder_to_be_complete_then_makes_one_report(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    config = _config(tmp_path, live_server, stable=2.0)  # the folder takes 3 s
    klippel = tmp_path / "in" / "klippel"
    klippel.mkdir(parents=True, exist_ok=True)
    station = StationProcess(config)
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    try:
        station.wait_ready()
        # The tester writes the main file first, then the folder one table at a time.
        main = klippel / "dut-xyz116.txt"
        shutil.copy(samples / "klippel" / "dut-xyz116.txt", main)
        folder = klippel / "dut-xyz116"
        folder.mkdir()
        for table in sorted((samples / "klippel" / "dut-xyz116").iterdir()):
            time.sleep(0.5)
            assert main.exists(), f"taken with a partial folder (before {table.name})"
            shutil.copy(table, folder / table.name)
        expected = _expected(KlippelConverter(KLIPPEL), main, folder)
        [(report_uuid, document)] = expected.items()
        with WATS(base_url=base_url, token=token) as client:

            def delivered() -> bool:
                try:
                    return as_exported(client.reports.get(report_uuid).raw) == as_exported(document)
                except Exception:
                    return False

            wait_until(delivered, within=120, what="the complete set's report on the server")
            headers = client.reports.query_headers("serialNumber eq 'xyz116'", top=10)
        assert [h.uuid.lower() for h in headers] == [report_uuid]
        steps = [s for seq in document["root"]["steps"] for s in seq["steps"]]
        assert len(steps) == 7, "every table of the folder is in the one report"
        wait_until(lambda: not main.exists(), what="the set moved to Done")
    finally:
        assert station.stop() == 0
    assert sorted(p.name for p in (klippel / "Done" / "dut-xyz116").iterdir()) == sorted(
        p.name for p in (samples / "klippel" / "dut-xyz116").iterdir()
    )


@SQLITE
def test_a_broken_set_is_quarantined_with_its_folder_and_retried_together(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    config = _config(tmp_path, live_server)
    klippel = tmp_path / "in" / "klippel"
    main = _copy_set(samples, "dut-xyz115", klippel, as_name="dut-broken")
    (klippel / "dut-broken" / "Impedance-imp.txt").write_text("frq\timp\tmax\n10\tone\t2\n")
    lonely = klippel / "dut-lonely.txt"
    shutil.copy(samples / "klippel" / "dut-xyz116.txt", lonely)
    quarantine = tmp_path / "data" / "quarantine"
    station = StationProcess(config)
    try:
        wait_until(lambda: not main.exists() and not lonely.exists(), what="both files quarantined")
    finally:
        assert station.stop() == 0
    assert not (klippel / "dut-broken").exists(), "the folder left with its file"
    entries = {e.origin: e for e in Quarantine(quarantine).entries()}
    broken, alone = entries[str(main)], entries[str(lonely)]
    assert "dut-broken/Impedance-imp.txt line 2: expected a number or '-', got 'one'" in (
        broken.reason
    )
    assert "the result folder 'dut-lonely' beside the file does not exist" in alone.reason
    held = quarantine / broken.name.removesuffix(".txt")
    assert sorted(p.name for p in held.iterdir()) == sorted(
        p.name for p in (samples / "klippel" / "dut-xyz115").iterdir()
    )
    assert Quarantine(quarantine).retry(broken.name) == main
    assert main.exists()
    assert (klippel / "dut-broken" / "Impedance-imp.txt").exists()
    assert not held.exists()
    assert Quarantine(quarantine).delete(alone.name)
    assert [p.name for p in quarantine.iterdir()] == []


def _set(folder: Path, name: str) -> Path:
    (folder / name).mkdir(parents=True)
    (folder / name / "Impedance-imp.txt").write_text("frq\timp\n")
    main = folder / f"{name}.txt"
    main.write_text("Cfg_SerialNumber=x\n")
    return main


def test_move_keeps_file_and_folder_paired_when_done_has_the_name(tmp_path: Path) -> None:
    config = ConverterConfig(type="klippel", watch=tmp_path / "in")
    _set(config.done_folder, "dut-a")  # an earlier set of the same name
    main = _set(config.watch, "dut-a")
    info = main.stat()
    rule = KlippelConverter.companion
    assert _apply_after(config, main, (info.st_size, info.st_mtime_ns), rule)
    assert sorted(p.name for p in config.done_folder.iterdir()) == [
        "dut-a", "dut-a-2", "dut-a-2.txt", "dut-a.txt"
    ]  # fmt: skip
    assert (config.done_folder / "dut-a-2" / "Impedance-imp.txt").exists()
    deleted = ConverterConfig(type="klippel", watch=tmp_path / "in", after="delete")
    main = _set(config.watch, "dut-b")
    info = main.stat()
    assert _apply_after(deleted, main, (info.st_size, info.st_mtime_ns), rule)
    assert sorted(p.name for p in config.watch.iterdir()) == ["Done"]


def test_files_in_a_companion_folder_are_not_sources(tmp_path: Path) -> None:
    main = _set(tmp_path, "dut-a")
    (tmp_path / "dut-a" / "DUT-inner.txt").write_text("x")  # matches the pattern, yet inside
    (tmp_path / "dut-lonely").mkdir()
    stray = tmp_path / "dut-lonely" / "DUT-c.txt"  # no file owns this folder: a source
    stray.write_text("x")
    spec = WatchSpec(0, tmp_path, ("DUT*.txt",), companion=KlippelConverter.companion)
    watcher = Watcher([spec], stable_seconds=1, rescan_seconds=1)
    for path in (main, tmp_path / "dut-a" / "DUT-inner.txt", stray):
        watcher.note(path)
    assert watcher.pending == 2
