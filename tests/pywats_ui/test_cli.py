"""`pywats-configurator [--config FILE]`: arguments, default file, and a real start and quit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import pywats_ui
from pywats_ui import MainWindow
from pywats_ui._cli import CONFIG_ENV, default_config_path, main

from .conftest import Station


def test_the_public_api_is_deliberate() -> None:
    assert sorted(pywats_ui.__all__) == ["MainWindow", "create_window", "main"]


def test_help_names_the_option_and_its_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--config FILE" in out
    assert "(default: client.toml)" in out


def test_the_default_follows_the_client_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "/etc/pywats/line3.toml")
    assert default_config_path() == Path("/etc/pywats/line3.toml")
    monkeypatch.delenv(CONFIG_ENV)
    assert default_config_path() == Path("client.toml")


def test_main_opens_the_file_and_returns_when_the_window_closes(
    qtbot: QtBot, station: Station
) -> None:
    opened: list[MainWindow] = []

    def close_when_loaded() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        loaded = [w for w in windows if w.context.document.converters()]
        if not loaded:
            QTimer.singleShot(50, close_when_loaded)
            return
        opened.extend(loaded)
        for window in loaded:
            window.close()

    QTimer.singleShot(50, close_when_loaded)
    assert main(["--config", str(station.config)]) == 0
    assert [w.context.document.path for w in opened] == [station.config]
    assert opened[0].windowTitle() == f"pyWATS Configurator — {station.config}"
