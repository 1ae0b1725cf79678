"""The main window: unsaved edits survive page switches, saving validates first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from pywats_ui import MainWindow
from pywats_ui._converters_page import ConvertersPage
from pywats_ui._station_page import StationPage

from .conftest import Station


def _station_page(window: MainWindow) -> StationPage:
    page = window.show_page("Station")
    assert isinstance(page, StationPage)
    return page


def _retype(qtbot: QtBot, editor: object, text: str) -> None:
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def test_unsaved_edits_are_marked_and_kept_across_page_switches(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    page = _station_page(window)
    _retype(qtbot, page.identity.editor("station.location"), "Bergen")
    assert window.windowTitle().endswith(" *")
    assert window.nav.item(2).text() == "Station  •"
    assert window.nav.item(1).text() == "Connection"
    for title in ("Converters", "Logs", "About", "Connection"):
        window.show_page(title)
    page = _station_page(window)
    editor = page.identity.editor("station.location")
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "Bergen"
    assert "Bergen" not in station.config.read_text(encoding="utf-8")

    with qtbot.waitSignal(window.saved, timeout=10_000):
        qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    assert 'location = "Bergen"' in station.config.read_text(encoding="utf-8")
    assert window.nav.item(2).text() == "Station"
    qtbot.waitUntil(lambda: "service is not running" in window.message.text(), timeout=10_000)


def test_an_invalid_value_is_not_saved_and_its_field_says_why(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    before = station.config.read_text(encoding="utf-8")
    window = open_window(station.config)
    page = _station_page(window)
    workers = page.service.editor("intake.workers")
    _retype(qtbot, workers, "many")
    errors = [label.text() for label in page.service.findChildren(QLabel) if label.isVisible()]
    assert "Conversion workers: expected a whole number, got 'many'" in errors
    _retype(qtbot, workers, "0")  # a number, but the service wants at least 1
    assert "Conversion workers: expected at least 1" in [
        label.text() for label in page.service.findChildren(QLabel) if label.isVisible()
    ]
    _retype(qtbot, page.service.editor("outbox.max_mb"), "-5")
    qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.message.text().startswith("Not saved"), timeout=10_000)
    assert "outbox.max_mb" in window.message.text()
    shown = [label.text() for label in page.service.findChildren(QLabel) if label.isVisible()]
    assert any("greater than 0" in text for text in shown)
    assert station.config.read_text(encoding="utf-8") == before
    assert window.windowTitle().endswith(" *")


def test_closing_with_unsaved_edits_asks_first(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    _retype(qtbot, _station_page(window).identity.editor("station.purpose"), "Debug")
    window.close()
    assert window.isVisible()
    assert window.confirm is not None
    window.confirm.done(QMessageBox.StandardButton.Discard)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
    assert not window.context.document.dirty
    assert "Debug" not in station.config.read_text(encoding="utf-8")


def test_an_unreadable_file_is_reported_and_never_overwritten(
    station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    station.config.write_text("[server\nurl = 'x'\n", encoding="utf-8")
    window = open_window(station.config)
    assert window.message.text().startswith("Cannot load the configuration (fix the file first): ")
    assert f"{station.config}: not valid TOML" in window.message.text()
    assert not window.findChild(QPushButton, "save").isEnabled()


def test_save_errors_select_the_converter_they_belong_to(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    document = window.context.document
    document.add_converter({"type": "wsxf", "watch": "xml", "parameters": {"encodng": "cp1252"}})
    page = window.show_page("Converters")
    assert isinstance(page, ConvertersPage)
    page.list.setCurrentRow(0)
    qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.message.text().startswith("Not saved"), timeout=10_000)
    assert "converters[1].parameters.encodng" in window.message.text()
    assert page.list.currentRow() == 1
