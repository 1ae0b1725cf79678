"""About page: versions and the paths the service uses, following unsaved edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

import pywats
from pywats_ui import MainWindow
from pywats_ui._about_page import AboutPage

from .conftest import Station


def test_versions_and_paths(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    page = window.show_page("About")
    assert isinstance(page, AboutPage)
    qtbot.waitUntil(lambda: page.values["pywats"].text() == pywats.__version__, timeout=10_000)
    assert page.values["config"].text() == str(station.config)
    assert page.values["data"].text() == str(station.data)
    assert page.values["logs"].text() == str(station.data / "logs" / "pywats.log")
    assert page.values["token"].text() == str(station.root / "server.token")
    window.context.document.set_value("paths.data", "/srv/pywats")
    assert page.values["logs"].text() == "/srv/pywats/logs/pywats.log"
