"""Background jobs run on pool threads; their results come back on the UI thread."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from pywats_ui._background import Background


def test_results_and_errors_are_delivered_on_the_owning_thread(qtbot: QtBot) -> None:
    background = Background()
    ui_thread = threading.get_ident()
    worked_on: list[int] = []
    delivered: list[tuple[str, object, int]] = []

    def work() -> str:
        worked_on.append(threading.get_ident())
        return "result"

    def fail() -> str:
        raise FileNotFoundError("client.toml")

    background.submit(work, lambda r: delivered.append(("done", r, threading.get_ident())), print)
    background.submit(fail, print, lambda e: delivered.append(("failed", e, threading.get_ident())))
    background.submit(lambda: None, lambda r: delivered.append(("none", r, 0)), print)
    assert background.busy == 3
    qtbot.waitUntil(lambda: background.busy == 0, timeout=5_000)
    assert len(worked_on) == 1
    assert ui_thread not in worked_on
    by_kind = {kind: (value, thread) for kind, value, thread in delivered}
    assert by_kind["done"] == ("result", ui_thread)
    error, thread = by_kind["failed"]
    assert isinstance(error, FileNotFoundError)
    assert thread == ui_thread
    assert by_kind["none"][0] is None
