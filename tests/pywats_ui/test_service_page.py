"""Service page: drives the real `pywats-client` command line for this configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pywats_ui import MainWindow
from pywats_ui._service_page import ServicePage

from .conftest import Station, running_service

if TYPE_CHECKING:
    from tests.conftest import ServiceManager


def test_status_runs_the_client_cli_and_shows_its_output(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    page = open_window(station.config).show_page("Service")
    assert isinstance(page, ServicePage)
    with running_service(station.config):
        qtbot.mouseClick(page.buttons["Status"], Qt.MouseButton.LeftButton)
        assert not page.buttons["Install"].isEnabled()  # one command at a time
        qtbot.waitUntil(lambda: page.buttons["Install"].isEnabled(), timeout=60_000)
    text = page.output.toPlainText()
    assert f"-m pywats_client status --config {station.config}" in text
    assert "station ICT-LINE-3" in text
    assert text.rstrip().endswith("done")


def test_a_failing_command_says_so(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    station.config.write_text("schema_version = 1\n[server]\nurl = 'nope'\n", encoding="utf-8")
    page = open_window(station.config).show_page("Service")
    assert isinstance(page, ServicePage)
    qtbot.mouseClick(page.buttons["Status"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.buttons["Status"].isEnabled(), timeout=60_000)
    text = page.output.toPlainText()
    assert "server.url" in text
    assert text.rstrip().endswith("failed (exit code 2)")


def test_install_start_stop_uninstall_drive_the_service_manager(
    qtbot: QtBot,
    station: Station,
    open_window: Callable[[Path], MainWindow],
    service_manager: ServiceManager,
) -> None:
    page = open_window(station.config).show_page("Service")
    assert isinstance(page, ServicePage)
    page.user.setChecked(True)
    units = service_manager.home / ".config" / "systemd" / "user"

    def click(action: str) -> str:
        qtbot.mouseClick(page.buttons[action], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.buttons[action].isEnabled(), timeout=60_000)
        return page.output.toPlainText()

    assert click("Install").rstrip().endswith("done")
    (unit,) = units.glob("pywats-client*.service")
    assert f"run --config {station.config}" in unit.read_text()
    assert click("Start").rstrip().endswith("done")
    assert click("Stop").rstrip().endswith("done")
    assert click("Uninstall").rstrip().endswith("done")
    assert not unit.exists()
    name = unit.name
    assert service_manager.calls == [
        "--user daemon-reload",
        f"--user enable {name}",
        f"--user start {name}",
        f"--user stop {name}",
        f"--user disable --now {name}",
        "--user daemon-reload",
    ]

    service_manager.fail_with("Failed to connect to bus: No medium found")
    text = click("Install")
    assert "'systemctl --user daemon-reload' failed (exit code 1): Failed to connect" in text
    assert f"the definition was written to {unit}" in text
    assert text.rstrip().endswith("failed (exit code 1)")
