"""One service per data folder: a second `pywats-client run` on the same folder refuses to
start, naming the folder and the first one's pid; a killed service leaves no lock behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pywats_client._config import ConfigError
from pywats_client._instance_lock import InstanceLock

from .conftest import StationProcess, write_config


def test_a_second_service_on_the_same_data_folder_refuses_to_start(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "token")  # control port 0: no clash
    first = StationProcess(config)
    try:
        first.wait_ready()
        second = subprocess.run(
            [sys.executable, "-m", "pywats_client", "run", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        data = tmp_path / "data"
        expected = (
            f"paths.data: {data} is in use by another pywats-client (pid {first.process.pid})"
        )
        assert expected in " ".join(second.stderr.split())
    finally:
        first.kill()  # SIGKILL: the operating system drops the lock with the process
    after = StationProcess(config)
    try:
        after.wait_ready()
    finally:
        assert after.stop() == 0


def test_the_lock_is_held_until_released(tmp_path: Path) -> None:
    held = InstanceLock.take(tmp_path)
    with pytest.raises(ConfigError) as caught:
        InstanceLock.take(tmp_path)
    assert caught.value.problems.keys() == {"paths.data"}
    held.release()
    InstanceLock.take(tmp_path).release()
