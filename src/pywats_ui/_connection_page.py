"""Connection: server URL, API token (0600 secrets file) and a real "Test connection"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from pywats_ui._form import SettingsForm
from pywats_ui._page import Context, Page
from pywats_ui._settings import CONNECTION, TOKEN

__all__ = ["ConnectionPage"]


def _probe(url: str, token: str, timeout: float) -> str:
    # Imported here, on the pool: the SDK loads on the first test, not at start-up.
    from pywats_client._probe import probe

    return probe(url, token, timeout)


class ConnectionPage(Page):
    """Edits `server.*` and the token; tests the values as typed, saved or not."""

    title = "Connection"
    keys = tuple(s.key for s in CONNECTION)

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.form = SettingsForm(CONNECTION, self)
        self.layout_.addWidget(self.form)
        self.test_button = QPushButton("Test connection", self)
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(self.test_connection)
        self.layout_.addWidget(self.test_button)
        self.result = QLabel("", self)
        self.result.setObjectName("test_result")
        self.result.setWordWrap(True)
        self.layout_.addWidget(self.result)
        self.layout_.addStretch(1)
        self.form.edited.connect(context.document.set_value)
        context.document.changed.connect(self._refresh)
        self._refresh("")

    def _refresh(self, key: str) -> None:
        if key == "" or key in self.keys:
            self.form.set_values({s.key: self.context.document.value(s.key) for s in CONNECTION})

    def show_errors(self, errors: Mapping[str, str]) -> None:
        self.form.show_errors(errors)

    def test_connection(self) -> None:
        """Request the server version with the values on screen, off the UI thread."""
        document = self.context.document
        url = document.value("server.url") or ""
        token = document.value(TOKEN.key) or ""
        timeout = float(document.value("server.timeout") or 30.0)
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(f"Connecting to {url or '(no URL)'}…")
        self.context.background.submit(
            lambda: _probe(url, token, timeout), self._succeeded, self._failed
        )

    def _succeeded(self, version: Any) -> None:
        self.test_button.setEnabled(True)
        self.result.setStyleSheet("color: #1b5e20;")
        self.result.setText(f"Connected: server version {version}.")

    def _failed(self, error: Exception) -> None:
        from pywats_client._probe import explain  # loaded by `_probe` already

        failure = explain(error)
        self.test_button.setEnabled(True)
        self.result.setStyleSheet("color: #b00020;")
        self.result.setText(str(failure))
        self.result.setProperty("problem", failure.problem.name)
