"""Status page: live counts from the control API while files queue up and are delivered."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from pywats_ui import MainWindow
from pywats_ui._connection_page import ConnectionPage
from pywats_ui._status_page import StatusPage, age_text

from .conftest import (
    SQLITE_ONLY,
    Station,
    free_port,
    report_file,
    running_service,
    write_station,
)


@SQLITE_ONLY
def test_counts_follow_files_from_queued_to_delivered(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    # The station starts with a wrong server URL: reports queue up and wait.
    wrong = f"http://127.0.0.1:{free_port()}"
    station = write_station(tmp_path, wrong, live_server.token)  # type: ignore[attr-defined]
    window = open_window(station.config)
    status = window.show_page("Status")
    assert isinstance(status, StatusPage)
    value = status.values
    with running_service(station.config):
        qtbot.waitUntil(lambda: value["state"].text().startswith("running"), timeout=10_000)
        assert value["pending"].text() == "0"
        for serial in ("SN-1", "SN-2", "SN-3"):
            report_file(station.incoming, serial)
        qtbot.waitUntil(lambda: value["pending"].text() == "3", timeout=20_000)
        assert value["last_upload"].text() == "never"
        assert value["oldest"].text() != "—"
        qtbot.waitUntil(lambda: status.errors.count() > 0, timeout=10_000)
        assert "127.0.0.1" in status.errors.item(0).text()

        # The operator fixes the URL; the server section needs a service restart.
        connection = window.show_page("Connection")
        assert isinstance(connection, ConnectionPage)
        url = connection.form.editor("server.url")
        assert isinstance(url, QLineEdit)
        url.selectAll()
        qtbot.keyClick(url, Qt.Key.Key_Delete)
        qtbot.keyClicks(url, live_server.base_url)  # type: ignore[attr-defined]
        with qtbot.waitSignal(window.reloaded, timeout=20_000) as reloaded:
            qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
        assert reloaded.args is not None
        assert reloaded.args[0].restart_required == ["server"]
        assert "Restart the service to apply: server" in window.message.text()
        window.show_page("Status")

    qtbot.waitUntil(lambda: value["state"].text().startswith("not reachable"), timeout=10_000)
    assert value["pending"].text() == "—"

    with running_service(station.config):
        qtbot.waitUntil(lambda: value["delivered"].text() == "3", timeout=30_000)
        assert value["pending"].text() == "0"
        assert value["in_flight"].text() == "0"
        assert value["last_upload"].text().endswith("s ago")


def test_age_text_picks_a_readable_unit() -> None:
    assert [age_text(s) for s in (None, 5, 600, 4 * 3600, 3 * 86400)] == [
        "—",
        "5 s",
        "10 min",
        "4.0 h",
        "3.0 d",
    ]


def test_a_hung_service_does_not_freeze_the_window(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow], slow_server: str
) -> None:
    # The endpoint file names a "service" that accepts connections and never answers.
    station.data.mkdir()
    (station.data / "control.json").write_text(json.dumps({"url": slow_server}), "utf-8")
    (station.data / "control.token").write_text("t", "utf-8")
    window = open_window(station.config)
    window.context.link.timeout = 1.5
    status = window.show_page("Status")
    assert isinstance(status, StatusPage)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: "does not answer" in status.values["state"].text(), timeout=20_000)
    timer.stop()
    assert status.values["state"].text().startswith("not reachable")
    assert len(ticks) >= 20  # the event loop kept running while the poll waited


@SQLITE_ONLY
def test_after_a_wrong_token_is_replaced_the_state_is_current_and_the_error_is_history(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    """The server refuses the token and reports wait; the operator writes the right token into
    the token file: the running service uses it, delivers, and the page says "running" while
    the refusal stays in the history with its time."""
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = write_station(tmp_path, base_url, "d3Jvbmc6dG9rZW4=")
    window = open_window(station.config)
    status = window.show_page("Status")
    assert isinstance(status, StatusPage)
    value = status.values
    with running_service(station.config):
        report_file(station.incoming, "SN-TOKEN")
        qtbot.waitUntil(
            lambda: value["state"].text().startswith("running, uploads failing — retrying"),
            timeout=20_000,
        )
        qtbot.waitUntil(lambda: status.errors.count() == 1, timeout=10_000)
        refused = status.errors.item(0).text()
        assert "401" in refused
        (tmp_path / "server.token").write_text(token + "\n", encoding="utf-8")
        qtbot.waitUntil(lambda: value["delivered"].text() == "1", timeout=30_000)
        qtbot.waitUntil(lambda: value["state"].text().startswith("running (pid"), timeout=10_000)
        assert value["problems"].text() == "none"
        assert value["next_try"].text() == "—"
        assert status.errors.count() == 1
        # The same entry (its count may have grown): when it began, and the server's answer.
        began = refused.split("  (×")[0]
        assert status.errors.item(0).text().startswith(began)
