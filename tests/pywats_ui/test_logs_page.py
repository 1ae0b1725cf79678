"""Logs page: a live tail of the service's own log file, filtered by level and text."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pywats_client._logging import configure_logging
from pywats_ui import MainWindow
from pywats_ui._logs_page import LogsPage, level_of, read_tail

from .conftest import Station


@pytest.fixture(params=["text", "json"])
def service_log(request: pytest.FixtureRequest, station: Station) -> Iterator[logging.Logger]:
    """The service's logging set-up writing `<data>/logs/pywats.log` in either format."""
    handlers = configure_logging(station.data, fmt=request.param, console=False)
    logger = logging.getLogger("pywats_client.test")
    yield logger
    for handler in handlers:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_the_tail_follows_the_file_and_filters(
    qtbot: QtBot,
    station: Station,
    service_log: logging.Logger,
    open_window: Callable[[Path], MainWindow],
) -> None:
    service_log.info("accepted SN-1.json: 1 report(s)")
    service_log.warning("server answered 503, retrying")
    window = open_window(station.config)
    page = window.show_page("Logs")
    assert isinstance(page, LogsPage)
    qtbot.waitUntil(lambda: "SN-1.json" in page.view.toPlainText(), timeout=10_000)
    assert "503" in page.view.toPlainText()

    service_log.error("conversion failed: SN-2.json")
    qtbot.waitUntil(lambda: "SN-2.json" in page.view.toPlainText(), timeout=10_000)

    page.level.setCurrentText("WARNING")
    shown = page.view.toPlainText()
    assert "SN-1.json" not in shown
    assert "503" in shown
    assert "SN-2.json" in shown

    page.level.setCurrentText("DEBUG")
    qtbot.keyClicks(page.search, "sn-")
    lines = page.view.toPlainText().splitlines()
    assert len(lines) == 2
    assert all("SN-" in line for line in lines)
    page.search.clear()
    assert len(page.view.toPlainText().splitlines()) == 3


def test_read_tail_waits_for_whole_lines_and_notices_rotation(tmp_path: Path) -> None:
    log = tmp_path / "pywats.log"
    assert read_tail(log, -1).lines == []
    log.write_bytes(b"2026-11-29 10:00:00,000 INFO    a [-] one\n2026-11-29 10:00:01,000 ERR")
    first = read_tail(log, -1)
    assert first.lines == ["2026-11-29 10:00:00,000 INFO    a [-] one"]
    with log.open("ab") as handle:
        handle.write(b"OR   a [-] two\n")
    second = read_tail(log, first.offset)
    assert second.lines == ["2026-11-29 10:00:01,000 ERROR   a [-] two"]
    assert [level_of(line) for line in first.lines + second.lines] == ["INFO", "ERROR"]
    log.write_bytes(b'{"level": "WARNING", "message": "after rotation"}\n')
    third = read_tail(log, second.offset)
    assert third.rotated
    assert [level_of(line) for line in third.lines] == ["WARNING"]


def test_a_continuation_line_read_later_keeps_its_entry_level(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    log = station.data / "logs" / "pywats.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    entry = "2026-11-29 10:00:00,000 ERROR   pywats_client [-] conversion failed: SN-3.json"
    log.write_text(entry + "\n", encoding="utf-8")
    window = open_window(station.config)
    page = window.show_page("Logs")
    assert isinstance(page, LogsPage)
    qtbot.waitUntil(lambda: "SN-3.json" in page.view.toPlainText(), timeout=10_000)
    with log.open("a", encoding="utf-8") as handle:  # the traceback lands in the next read
        handle.write("Traceback (most recent call last):\n")
    qtbot.waitUntil(lambda: "Traceback" in page.view.toPlainText(), timeout=10_000)
    page.level.setCurrentText("ERROR")
    assert page.view.toPlainText().splitlines() == [entry, "Traceback (most recent call last):"]
