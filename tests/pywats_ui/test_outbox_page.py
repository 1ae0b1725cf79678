"""Outbox page: a quarantined file, its conversion log, the fix, and a retry that delivers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from pywats_ui import MainWindow
from pywats_ui._converters_page import ConvertersPage
from pywats_ui._outbox_page import OutboxPage

from .conftest import SQLITE_ONLY, report_file, running_service, write_station


@SQLITE_ONLY
def test_retry_a_quarantined_file_after_fixing_its_converter(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    station = write_station(tmp_path, live_server.base_url, live_server.token)  # type: ignore[attr-defined]
    with running_service(station.config) as service:
        # A tester writes Windows-1252 text; the converter expects UTF-8 and refuses the file.
        report_file(station.incoming, "SN-CP1252", location="Tromsø", encoding="cp1252")
        qtbot.waitUntil(lambda: len(service.quarantine.entries()) == 1, timeout=30_000)

        window = open_window(station.config)
        outbox = window.show_page("Outbox")
        assert isinstance(outbox, OutboxPage)
        qtbot.waitUntil(lambda: outbox.quarantined.rowCount() == 1, timeout=10_000)
        assert outbox.quarantined.item(0, 0).text() == "file"
        assert "not valid utf-8 text" in outbox.quarantined.item(0, 5).text()
        outbox.quarantined.selectRow(0)
        qtbot.waitUntil(lambda: "Conversion log:" in outbox.log.toPlainText(), timeout=10_000)
        assert outbox.log.toPlainText().startswith(outbox.rows[0].reason)

        # Fix: the converter's encoding parameter, saved and reloaded by the service.
        converters = window.show_page("Converters")
        assert isinstance(converters, ConvertersPage)
        qtbot.waitUntil(lambda: converters.editor.params is not None, timeout=10_000)
        assert converters.editor.params is not None
        encoding = converters.editor.params.editor("encoding")
        assert isinstance(encoding, QLineEdit)
        encoding.selectAll()
        qtbot.keyClick(encoding, Qt.Key.Key_Delete)
        qtbot.keyClicks(encoding, "cp1252")
        with qtbot.waitSignal(window.reloaded, timeout=20_000):
            qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)

        # Retry, confirmed: the file goes back to its folder and is delivered this time.
        window.show_page("Outbox")
        qtbot.waitUntil(lambda: outbox.quarantined.rowCount() == 1, timeout=10_000)
        outbox.quarantined.selectRow(0)
        qtbot.mouseClick(outbox.retry_button, Qt.MouseButton.LeftButton)
        assert outbox.confirm is not None
        assert "Send file" in outbox.confirm.text()
        outbox.confirm.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: service.outbox.stats().delivered == 1, timeout=30_000)
        qtbot.waitUntil(lambda: outbox.quarantined.rowCount() == 0, timeout=10_000)
        assert service.quarantine.entries() == []


@SQLITE_ONLY
def test_delete_asks_and_cancel_keeps_the_item(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    station = write_station(tmp_path, live_server.base_url, live_server.token)  # type: ignore[attr-defined]
    with running_service(station.config) as service:
        (station.incoming / "broken.json").write_text('{"type": "T", "id": ', encoding="utf-8")
        qtbot.waitUntil(lambda: len(service.quarantine.entries()) == 1, timeout=30_000)
        outbox = open_window(station.config).show_page("Outbox")
        assert isinstance(outbox, OutboxPage)
        qtbot.waitUntil(lambda: outbox.quarantined.rowCount() == 1, timeout=10_000)
        outbox.quarantined.selectRow(0)
        qtbot.mouseClick(outbox.delete_button, Qt.MouseButton.LeftButton)
        assert outbox.confirm is not None
        outbox.confirm.button(QMessageBox.StandardButton.Cancel).click()
        assert len(service.quarantine.entries()) == 1

        qtbot.mouseClick(outbox.delete_button, Qt.MouseButton.LeftButton)
        outbox.confirm.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: service.quarantine.entries() == [], timeout=10_000)
        qtbot.waitUntil(lambda: outbox.quarantined.rowCount() == 0, timeout=10_000)
        assert "deleted" in outbox.summary.text()
