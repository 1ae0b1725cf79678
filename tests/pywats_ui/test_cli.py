"""`pywats-configurator [--config FILE]`: arguments, default file, and a real start and quit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


def _configurator(station: Station, env: dict[str, str]) -> subprocess.Popen[str]:
    """`pywats-configurator --config FILE` as a user starts it, with `env` as its environment."""
    command = [sys.executable, "-c", "from pywats_ui._cli import main; raise SystemExit(main())"]
    return subprocess.Popen(
        [*command, "--config", str(station.config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_without_a_display_it_names_what_is_missing_in_one_line(station: Station) -> None:
    """Qt itself aborts here (exit 134) blaming xcb-cursor whatever is missing."""
    env = {k: v for k, v in os.environ.items() if k not in _DISPLAY_VARIABLES}
    process = _configurator(station, env)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert err.count("\n") == 1, err
    assert err.startswith(
        "pywats-configurator: cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY are "
        "unset; run it in a desktop session or over ssh -X)"
    )
    assert "Traceback" not in err


def test_ctrl_c_quits(station: Station) -> None:
    """Without a handler and a timer giving Python a turn, SIGINT waited for the next Qt event
    that never came."""
    process = _configurator(station, {**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        assert process.stderr is not None
        lines = iter(process.stderr.readline, "")  # Qt's own warnings may come first
        running = "pywats-configurator: running; close the window or press Ctrl-C to quit\n"
        assert running in lines, "the window did not open"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stderr is not None
        process.stderr.close()


_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
