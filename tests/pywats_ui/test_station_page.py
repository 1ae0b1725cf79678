"""Station page: identity with the detected host name as default, service settings."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from pywats_client._config import load_config
from pywats_ui import MainWindow
from pywats_ui._station_page import StationPage

from .conftest import Station


def test_an_empty_name_shows_and_means_the_detected_host_name(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    page = window.show_page("Station")
    assert isinstance(page, StationPage)
    name = page.identity.editor("station.name")
    assert isinstance(name, QLineEdit)
    assert name.text() == "ICT-LINE-3"
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    host = socket.gethostname().split(".")[0]
    assert name.placeholderText() == f"detected: {host}"

    level = page.service.editor("logging.level")
    assert isinstance(level, QComboBox)
    assert level.currentText() == "(default: INFO)"
    level.setCurrentIndex(level.findText("DEBUG"))
    level.activated.emit(level.currentIndex())

    with qtbot.waitSignal(window.saved, timeout=10_000):
        qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    saved = load_config(station.config)
    assert saved.station.name is None
    assert saved.identity().name == host
    assert saved.logging.level == "DEBUG"
