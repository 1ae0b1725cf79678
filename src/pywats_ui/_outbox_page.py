"""Outbox: pending and quarantined items with reasons and conversion logs; retry and delete."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pywats_ui._page import Context, Page
from pywats_ui._status_page import age_text

if TYPE_CHECKING:
    from pywats_client._control_client import ControlClient

__all__ = ["OutboxPage", "Quarantined"]


@dataclass(frozen=True)
class Quarantined:
    """One row of the quarantine table: a report the server refused, or a source file that
    could not be converted (`kind` "report" or "file", `key` its id or quarantine name)."""

    kind: str
    key: str
    reason: str
    converter: str
    source: str
    at: float


@dataclass(frozen=True)
class _Contents:
    pending: list[list[str]]
    quarantined: list[Quarantined]


def _fetch(client: ControlClient) -> _Contents:
    now = time.time()
    pending = [
        [
            item.id,
            item.converter,
            item.source,
            f"{item.size:,}",
            str(item.attempts),
            age_text(now - item.created),
            item.last_error or "",
        ]
        for item in client.outbox("pending", limit=500)
    ]
    refused = [
        Quarantined("report", i.id, i.last_error or "", i.converter, i.source, i.created)
        for i in client.outbox("quarantined", limit=500)
    ]
    files = [
        Quarantined("file", f.name, f.reason, f.converter, f.origin, f.at)
        for f in client.quarantine()
    ]
    return _Contents(pending, sorted(refused + files, key=lambda q: -q.at))


def _table(parent: QWidget, name: str, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class OutboxPage(Page):
    """Refreshes every few seconds while shown; actions ask for confirmation first."""

    title = "Outbox"

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.summary = QLabel("", self)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(QLabel("Pending", self))
        self.pending = _table(
            self, "pending", ["Report id", "Converter", "Source", "Bytes", "Tries", "Age", "Error"]
        )
        self.layout_.addWidget(self.pending, 1)
        self.layout_.addWidget(QLabel("Quarantined", self))
        self.quarantined = _table(
            self, "quarantined", ["Kind", "Id / file", "Converter", "Source", "When", "Reason"]
        )
        self.quarantined.itemSelectionChanged.connect(self._show_log)
        self.layout_.addWidget(self.quarantined, 1)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setObjectName("retry")
        self.retry_button.clicked.connect(lambda: self.ask("retry"))
        self.delete_button = QPushButton("Delete…", self)
        self.delete_button.setObjectName("delete")
        self.delete_button.clicked.connect(lambda: self.ask("delete"))
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        for button in (self.retry_button, self.delete_button, refresh):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("conversion_log")
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Select a quarantined file to see its conversion log")
        self.layout_.addWidget(self.log, 1)
        self.rows: list[Quarantined] = []
        self.confirm: QMessageBox | None = None
        self._loading = False
        self._note = ""  # what the last retry/delete did
        self._timer = QTimer(self)
        self._timer.setInterval(3000)
        self._timer.timeout.connect(self.refresh)

    def activated(self) -> None:
        self._timer.start()
        self.refresh()

    def deactivated(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        if self._loading:
            return
        self._loading = True
        self.context.link.call(_fetch, self._loaded, self._failed)

    def selected(self) -> Quarantined | None:
        rows = self.quarantined.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def ask(self, action: str) -> None:
        """Confirm `action` ("retry" or "delete") on the selected quarantined row, then do it."""
        row = self.selected()
        if row is None:
            self.summary.setText("Select a quarantined item first.")
            return
        what = f"{row.kind} {row.key}"
        text = (
            f"Send {what} through again?"
            if action == "retry"
            else f"Delete {what} for good? It will never be uploaded."
        )
        self.confirm = QMessageBox(
            QMessageBox.Icon.Question,
            action.capitalize(),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm.accepted.connect(lambda: self._act(action, row))
        self.confirm.open()

    def _act(self, action: str, row: Quarantined) -> None:
        calls: dict[tuple[str, str], Callable[[ControlClient], object]] = {
            ("retry", "report"): lambda c: c.retry_item(row.key),
            ("retry", "file"): lambda c: c.retry_quarantined(row.key),
            ("delete", "report"): lambda c: c.delete_item(row.key),
            ("delete", "file"): lambda c: c.delete_quarantined(row.key),
        }
        self.summary.setText(f"{action.capitalize()}: {row.key}…")
        self.context.link.call(
            calls[(action, row.kind)], lambda _: self._done(action, row), self._failed
        )

    def _done(self, action: str, row: Quarantined) -> None:
        verb = "sent through again" if action == "retry" else "deleted"
        self._note = f"{row.kind.capitalize()} {row.key} {verb}."
        self.summary.setText(self._note)
        self.refresh()

    def _loaded(self, contents: _Contents) -> None:
        self._loading = False
        _fill(self.pending, contents.pending)
        selected = self.selected()
        self.rows = contents.quarantined
        now = time.time()
        self.quarantined.blockSignals(True)  # keep the shown log; the selection comes back
        _fill(
            self.quarantined,
            [
                [q.kind, q.key, q.converter, q.source, f"{age_text(now - q.at)} ago", q.reason]
                for q in self.rows
            ],
        )
        if selected is not None and selected in self.rows:
            self.quarantined.selectRow(self.rows.index(selected))
        self.quarantined.blockSignals(False)
        self.summary.setText(
            f"{len(contents.pending)} pending, {len(self.rows)} quarantined "
            f"(updated {time.strftime('%H:%M:%S')}). {self._note}"
        )

    def _failed(self, error: Exception) -> None:
        self._loading = False
        self.summary.setText(f"Cannot reach the service: {error}")

    def _show_log(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.kind == "report":
            self.log.setPlainText(f"The server refused report {row.key}:\n{row.reason}")
            return
        self.log.setPlainText(f"{row.reason}\n\nLoading the conversion log…")
        self.context.link.call(
            lambda c: c.quarantine_log(row.key),
            lambda text: self.log.setPlainText(
                f"{row.reason}\n\nConversion log:\n{text or '(no lines were logged)'}"
            ),
            lambda error: self.log.setPlainText(f"{row.reason}\n\nCannot load the log: {error}"),
        )
