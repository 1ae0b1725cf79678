"""Service page: drives the real `pywats-client` command line for this configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pywats_ui import MainWindow
from pywats_ui._service_page import ServicePage

from .conftest import Station, running_service


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
