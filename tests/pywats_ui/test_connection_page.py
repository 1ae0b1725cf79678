"""Connection page: editing server settings and "Test connection" against real endpoints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from pywats_ui import MainWindow
from pywats_ui._connection_page import ConnectionPage

from .conftest import SQLITE_ONLY, Station, free_port


def _connection(window: MainWindow) -> ConnectionPage:
    page = window.show_page("Connection")
    assert isinstance(page, ConnectionPage)
    return page


def _type(qtbot: QtBot, page: ConnectionPage, key: str, text: str) -> None:
    editor = page.form.editor(key)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def _test(qtbot: QtBot, page: ConnectionPage) -> str:
    button = page.findChild(QPushButton, "test_connection")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(button.isEnabled, timeout=60_000)  # a resolver may retry for a while
    return page.result.text()


@SQLITE_ONLY
def test_a_connection_that_works_then_one_with_a_wrong_token(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    window = open_window(station.config)
    page = _connection(window)
    _type(qtbot, page, "server.url", live_server.base_url)  # type: ignore[attr-defined]
    _type(qtbot, page, "server.token", live_server.token)  # type: ignore[attr-defined]
    assert "Connected: server version" in _test(qtbot, page)

    _type(qtbot, page, "server.token", "d3Jvbmc6dG9rZW4=")
    assert _test(qtbot, page).startswith("Token rejected (401)")
    assert page.result.property("problem") == "UNAUTHORIZED"


@SQLITE_ONLY
def test_tls_against_a_plain_http_server_is_a_tls_problem(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    page = _connection(open_window(station.config))
    plain = live_server.base_url  # type: ignore[attr-defined]
    _type(qtbot, page, "server.url", plain.replace("http://", "https://"))
    assert _test(qtbot, page).startswith("TLS/certificate problem")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://no-such-host.invalid", "DNS"),
        (f"http://127.0.0.1:{free_port()}", "REFUSED"),
        ("ftp://wats.example.com", "SETTINGS"),
    ],
    ids=["dns", "refused", "settings"],  # stable names: the free port differs per collection
)
def test_failures_say_what_failed(
    qtbot: QtBot,
    station: Station,
    open_window: Callable[[Path], MainWindow],
    url: str,
    problem: str,
) -> None:
    page = _connection(open_window(station.config))
    _type(qtbot, page, "server.url", url)
    text = _test(qtbot, page)
    assert page.result.property("problem") == problem, text


def test_the_ui_keeps_running_while_a_slow_server_does_not_answer(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow], slow_server: str
) -> None:
    page = _connection(open_window(station.config))
    _type(qtbot, page, "server.url", slow_server)
    _type(qtbot, page, "server.timeout", "1.5")
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    text = _test(qtbot, page)
    timer.stop()
    assert page.result.property("problem") == "TIMEOUT", text
    # A blocked event loop would have delivered at most one (coalesced) tick in 1.5 s.
    assert len(ticks) >= 20
