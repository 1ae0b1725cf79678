"""Service definitions for systemd, launchd and Windows, and the commands that manage them.

The commands are collected instead of run, or run against a stand-in `systemctl`: installing a
real service needs root and changes the machine. The systemd unit itself is checked with
`systemd-analyze verify` in `test_cli.py`.
"""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pywats_client._service_install import (
    ServiceDefinition,
    control,
    install,
    launchd_plist,
    uninstall,
    windows_task_command,
)

if TYPE_CHECKING:
    from tests.conftest import ServiceManager


def definition(tmp_path: Path, user: bool = False) -> ServiceDefinition:
    return ServiceDefinition.for_config(tmp_path / "line1.toml", user_mode=user)


def test_names_follow_the_config_file(tmp_path: Path) -> None:
    assert ServiceDefinition.for_config(tmp_path / "client.toml").name == "pywats-client"
    assert definition(tmp_path).name == "pywats-client-line1"


def test_launchd_plist_is_valid_and_runs_the_service(tmp_path: Path) -> None:
    service = definition(tmp_path)
    plist = plistlib.loads(launchd_plist(service, tmp_path).encode())
    assert plist["Label"] == "com.pywats.pywats-client-line1"
    assert plist["ProgramArguments"][-3:] == ["run", "--config", str(tmp_path / "line1.toml")]
    assert plist["KeepAlive"] is True


def test_windows_task_starts_at_boot(tmp_path: Path) -> None:
    command = windows_task_command(definition(tmp_path))
    assert command[:6] == ["schtasks", "/Create", "/F", "/TN", "pywats-client-line1", "/SC"]
    assert "ONSTART" in command
    assert "run --config" in command[-1]


def test_install_start_stop_uninstall_commands(tmp_path: Path) -> None:
    issued: list[list[str]] = []

    def run(command: Sequence[str]) -> None:
        issued.append(list(command))

    service = definition(tmp_path, user=True)
    path = install(service, platform="systemd", target_dir=tmp_path, run=run)
    assert path == tmp_path / "pywats-client-line1.service"
    control(service, "start", platform="systemd", run=run)
    control(service, "stop", platform="systemd", run=run)
    uninstall(service, platform="systemd", target_dir=tmp_path, run=run)
    assert issued == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "pywats-client-line1.service"],
        ["systemctl", "--user", "start", "pywats-client-line1.service"],
        ["systemctl", "--user", "stop", "pywats-client-line1.service"],
    ]
    assert not path.exists()
    launchd = install(service, platform="launchd", target_dir=tmp_path, run=run)
    assert launchd is not None
    assert issued[-1] == ["launchctl", "load", "-w", str(launchd)]
    control(service, "start", platform="windows", run=run)
    assert issued[-1] == ["schtasks", "/Run", "/TN", "pywats-client-line1"]


def test_a_failing_service_manager_is_a_clear_error_and_keeps_the_unit(
    tmp_path: Path, service_manager: ServiceManager
) -> None:
    service = definition(tmp_path, user=True)
    service_manager.fail_with("Failed to connect to bus: No medium found\n")
    with pytest.raises(RuntimeError) as caught:
        install(service, platform="systemd")
    unit = service_manager.home / ".config" / "systemd" / "user" / "pywats-client-line1.service"
    assert str(caught.value) == (
        "'systemctl --user daemon-reload' failed (exit code 1): Failed to connect to bus: "
        f"No medium found; the definition was written to {unit}"
    )
    assert unit.read_text().startswith("[Unit]")
    with pytest.raises(RuntimeError, match=r"'systemctl --user stop pywats-client-line1.service'"):
        control(service, "stop", platform="systemd")


def test_a_missing_service_manager_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no systemctl here
    with pytest.raises(RuntimeError, match=r"'systemctl' is not installed here"):
        control(definition(tmp_path), "start", platform="systemd")


@pytest.mark.parametrize("platform", ["systemd", "launchd"])
def test_a_definition_that_cannot_be_written_names_the_file_and_why(
    tmp_path: Path, platform: str
) -> None:
    in_the_way = tmp_path / "units"
    in_the_way.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(RuntimeError) as caught:
        install(definition(tmp_path), platform=platform, target_dir=in_the_way, enable=False)
    assert str(caught.value).startswith(f"cannot write the service definition {in_the_way}/")
    assert str(caught.value).endswith(f": {in_the_way}: File exists")
