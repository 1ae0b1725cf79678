"""Logs: a live tail of the service's `pywats.log`, with a level filter and a search box.

New bytes are read off the UI thread once a second while the page is shown; a file that got
shorter was rotated and is read again from its start. Both log formats are understood (text
lines `<date> <time> LEVEL logger [correlation] message` and JSON lines).
"""

from __future__ import annotations

import collections
import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from pywats_client._logging import log_file
from pywats_ui._page import Context, Page

__all__ = ["LEVELS", "LogsPage", "Tail", "level_of", "read_tail"]

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_KEEP_LINES = 5000
_FIRST_READ = 256 * 1024


@dataclass(frozen=True)
class Tail:
    """New complete lines since `offset`, and the offset to continue from."""

    offset: int
    lines: list[str]
    rotated: bool


def read_tail(path: Path, offset: int) -> Tail:
    """Read complete lines appended to `path` after byte `offset` (-1: the last 256 KB)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Tail(0, [], False)
    rotated = 0 <= size < offset
    start = max(0, size - _FIRST_READ) if offset < 0 else (0 if rotated else offset)
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read()
    end = data.rfind(b"\n") + 1  # a partial last line waits for the next read
    lines = data[:end].decode("utf-8", errors="replace").splitlines()
    if offset < 0 and start > 0:
        lines = lines[1:]  # the first line was cut by the seek
    return Tail(start + end, lines, rotated)


def level_of(line: str) -> str:
    """The level of a log line ("" when it has none, e.g. a traceback line)."""
    if line.startswith("{"):
        try:
            return str(json.loads(line).get("level", ""))
        except (ValueError, AttributeError):
            return ""
    parts = line.split(maxsplit=3)
    return parts[2] if len(parts) > 2 and parts[2] in LEVELS else ""


class LogsPage(Page):
    """The tail; shows at most the last 5000 lines that pass the filters."""

    title = "Logs"

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        bar = QHBoxLayout()
        self.level = QComboBox(self)
        self.level.setObjectName("level")
        self.level.addItems(LEVELS[:4])
        self.level.setCurrentText("INFO")
        self.level.currentTextChanged.connect(lambda _: self._render())
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search")
        self.search.textChanged.connect(lambda _: self._render())
        self.source = QLabel("", self)
        bar.addWidget(QLabel("Level at least", self))
        bar.addWidget(self.level)
        bar.addWidget(self.search, 1)
        self.layout_.addLayout(bar)
        self.layout_.addWidget(self.source)
        self.view = QPlainTextEdit(self)
        self.view.setObjectName("log_view")
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.layout_.addWidget(self.view, 1)
        self.lines: collections.deque[tuple[str, str]] = collections.deque(maxlen=_KEEP_LINES)
        self._path: Path | None = None
        self._offset = -1
        self._reading = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.read_more)

    def activated(self) -> None:
        self._timer.start()
        self.read_more()

    def deactivated(self) -> None:
        self._timer.stop()

    def read_more(self) -> None:
        """Read what was appended since the last read (in the background)."""
        folder = self.context.link.data_folder
        if folder is None or self._reading:
            return
        path = log_file(folder)
        if path != self._path:
            self._path, self._offset = path, -1
            self.lines.clear()
        self.source.setText(str(path))
        self._reading = True
        offset = self._offset
        self.context.background.submit(
            lambda: read_tail(path, offset), self._appended, self._failed
        )

    def _appended(self, tail: Tail) -> None:
        self._reading = False
        self._offset = tail.offset
        if tail.rotated:
            self.lines.append(("INFO", "—— log file rotated ——"))
        if not tail.lines and not tail.rotated:
            return
        # A continuation line (traceback) keeps its entry's level, also across reads.
        last_level = self.lines[-1][0] if self.lines else "INFO"
        for line in tail.lines:
            last_level = level_of(line) or last_level
            self.lines.append((last_level, line))
        self._render()

    def _failed(self, error: Exception) -> None:
        self._reading = False
        self.source.setText(f"Cannot read the log: {error}")

    def _render(self) -> None:
        floor = LEVELS.index(self.level.currentText())
        needle = self.search.text().strip().lower()
        shown = [
            line
            for level, line in self.lines
            if (level not in LEVELS or LEVELS.index(level) >= floor)
            and (not needle or needle in line.lower())
        ]
        bar = self.view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        self.view.setPlainText("\n".join(shown))
        if at_end:
            bar.setValue(bar.maximum())
