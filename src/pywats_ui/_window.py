"""The main window: page navigation, save/revert, and the line between saved and live.

Saving validates the whole configuration first (the service's own loader), writes the token and
the file atomically off the UI thread, then asks the running service to reload. Unsaved edits
live in the shared document, so switching pages never loses them; the navigation marks pages
with unsaved edits and the title shows `*`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pywats_client._config import ClientConfig, ConfigError
from pywats_client._control_models import ReloadResult
from pywats_ui._about_page import AboutPage
from pywats_ui._connection_page import ConnectionPage
from pywats_ui._converters_page import ConvertersPage
from pywats_ui._document import Snapshot, read_snapshot, save_snapshot
from pywats_ui._logs_page import LogsPage
from pywats_ui._outbox_page import OutboxPage
from pywats_ui._page import Context, Page
from pywats_ui._service_page import ServicePage
from pywats_ui._station_page import StationPage
from pywats_ui._status_page import StatusPage

__all__ = ["PAGES", "MainWindow"]

PAGES: tuple[type[Page], ...] = (
    StatusPage,
    ConnectionPage,
    StationPage,
    ConvertersPage,
    OutboxPage,
    LogsPage,
    ServicePage,
    AboutPage,
)


class MainWindow(QMainWindow):
    """`loaded`, `saved(config)` and `reloaded(result)` tell tests and users where things are."""

    loaded = Signal()
    saved = Signal(object)
    reloaded = Signal(object)

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.resize(1100, 720)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        body = QHBoxLayout()
        self.nav = QListWidget(central)
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget(central)
        self.pages: list[Page] = []
        for page_class in PAGES:
            page = page_class(context, self.stack)
            self.pages.append(page)
            self.stack.addWidget(page)
            self.nav.addItem(page.title)
        self.nav.currentRowChanged.connect(self._switch)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
        bar = QHBoxLayout()
        self.message = QLabel("", central)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.revert_button = QPushButton("Revert", central)
        self.revert_button.clicked.connect(context.document.revert)
        self.save_button = QPushButton("Save", central)
        self.save_button.setObjectName("save")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.setCentralWidget(central)
        self._current: Page | None = None
        self._closing = False
        self.confirm: QMessageBox | None = None
        context.document.changed.connect(lambda _: self._mark_unsaved())
        context.document.dirty_changed.connect(lambda _: self._mark_unsaved())
        self._mark_unsaved()
        self.nav.setCurrentRow(0)

    def page(self, title: str) -> Page:
        """The page titled `title`."""
        return next(p for p in self.pages if p.title == title)

    def show_page(self, title: str) -> Page:
        """Bring the page titled `title` on screen and return it."""
        page = self.page(title)
        self.nav.setCurrentRow(self.pages.index(page))
        return page

    # -- loading and saving -------------------------------------------------------------------

    def load(self) -> None:
        """Read the configuration file (in the background) into the document."""
        path = self.context.document.path
        self._say(f"Loading {path}…")
        self.context.background.submit(lambda: read_snapshot(path), self._loaded, self._failed)

    def save(self) -> None:
        """Validate and write the configuration, then ask the service to reload it."""
        snapshot = self.context.document.snapshot()
        self.save_button.setEnabled(False)
        self._say("Validating and saving…")
        self.context.background.submit(
            lambda: save_snapshot(snapshot),
            lambda config: self._saved(snapshot, config),
            self._save_failed,
        )

    def _loaded(self, snapshot: Snapshot) -> None:
        self.context.document.replace(snapshot)
        self.context.link.set_data_folder(snapshot.data_folder())
        exists = snapshot.path.exists()
        self._say(f"Loaded {snapshot.path}" if exists else f"New configuration: {snapshot.path}")
        if self._current is not None:
            self._current.activated()  # now that the data folder is known
        self.loaded.emit()

    def _saved(self, snapshot: Snapshot, config: ClientConfig) -> None:
        self.save_button.setEnabled(True)
        self.context.document.mark_saved(snapshot)
        self.context.link.set_data_folder(snapshot.data_folder())
        for page in self.pages:
            page.show_errors({})
        self._say(f"Saved {snapshot.path}. Asking the service to reload…")
        self.saved.emit(config)
        self.context.link.call(lambda client: client.reload(), self._reloaded, self._not_reloaded)

    def _reloaded(self, result: ReloadResult) -> None:
        if not result.ok:
            self._say(f"Saved, but the service refused it: {result.error}", error=True)
            self._close_if_asked()
            return
        text = "Saved; the service applied " + ", ".join(result.applied)
        if result.restart_required:
            text += f". Restart the service to apply: {', '.join(result.restart_required)}"
        self._say(text + ".")
        self.reloaded.emit(result)
        if self._current is not None:
            self._current.activated()
        self._close_if_asked()

    def _not_reloaded(self, error: Exception) -> None:
        from pywats_client._control_client import ServiceNotRunning  # loaded by the call

        if isinstance(error, ServiceNotRunning):
            self._say("Saved. The service is not running; it reads the file when it starts.")
        else:
            self._say(f"Saved, but the service did not reload: {error}", error=True)
        self._close_if_asked()

    def _save_failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self._closing = False
        if isinstance(error, ConfigError):
            errors = error.problems
            for page in self.pages:
                page.show_errors(errors)
            self._say(f"Not saved — fix these first:\n{error}", error=True)
        else:
            self._say(f"Not saved: {error}", error=True)

    def _failed(self, error: Exception) -> None:
        # Saving now would replace the unreadable file with an empty configuration.
        self.save_button.setEnabled(False)
        self._say(f"Cannot load the configuration (fix the file first): {error}", error=True)
        self.loaded.emit()

    # -- chrome -------------------------------------------------------------------------------

    def _switch(self, row: int) -> None:
        if self._current is not None:
            self._current.deactivated()
        self.stack.setCurrentIndex(row)
        self._current = self.pages[row]
        self._current.activated()

    def _mark_unsaved(self) -> None:
        document = self.context.document
        for row, page in enumerate(self.pages):
            unsaved = bool(page.keys) and document.is_dirty(*page.keys)
            self.nav.item(row).setText(f"{page.title}  •" if unsaved else page.title)
        star = " *" if document.dirty else ""
        self.setWindowTitle(f"pyWATS Configurator — {document.path}{star}")
        self.revert_button.setEnabled(document.dirty)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.context.document.dirty or self._closing:
            if self._current is not None:
                self._current.deactivated()
            self.context.link.stop_polling()
            event.accept()
            return
        event.ignore()
        self.confirm = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            "Save the changes to the configuration before closing?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm.finished.connect(self._close_answer)
        self.confirm.open()

    def _close_answer(self, answer: int) -> None:
        if answer == QMessageBox.StandardButton.Discard:
            self.context.document.revert()
            self.close()
        elif answer == QMessageBox.StandardButton.Save:
            self._closing = True
            self.save()

    def _close_if_asked(self) -> None:
        if self._closing:
            self.close()
