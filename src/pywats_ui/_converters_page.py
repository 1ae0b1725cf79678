"""Converters: the configured entries, enabled or not, whether the running service has them as
shown, add/edit/remove."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pywats_client._control_models import ConverterEntry
from pywats_client.converters import Catalog, converter_catalog
from pywats_ui._converter_editor import ConverterEditor
from pywats_ui._page import Context, Page
from pywats_ui._settings import CONVERTER_DEFAULTS

__all__ = ["ConvertersPage"]


def _live_key(folder: Path, entry: Mapping[str, Any]) -> str:
    """What must match between an entry and the service's view of it to call it live (a key
    left out of the file is the service's default)."""
    watch = Path(str(entry.get("watch", "")))
    if not watch.is_absolute():
        watch = folder / watch
    return json.dumps(
        [
            entry.get("type"),
            str(watch.resolve()),
            *(entry.get(key, CONVERTER_DEFAULTS[key]) for key in ("enabled", "after", "priority")),
            entry.get("parameters", {}),
        ],
        sort_keys=True,
    )


class ConvertersPage(Page):
    """The list of `[[converters]]`; selecting one opens it in the editor, and each item's
    checkbox is the entry's `enabled` setting."""

    title = "Converters"
    keys = ("converters",)

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._live: set[str] | None = None
        self._live_note = "checking the service…"
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(left)
        self.list.setObjectName("converter_list")
        self.list.currentRowChanged.connect(self._selected)
        self.list.itemChanged.connect(self._checked)
        column.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add", left)
        self.add_button.setObjectName("add_converter")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove…", left)
        self.remove_button.setObjectName("remove_converter")
        self.remove_button.clicked.connect(self.ask_remove)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        column.addLayout(buttons)
        self.live_label = QLabel("", left)
        self.live_label.setWordWrap(True)
        column.addWidget(self.live_label)
        # Installed plug-ins that cannot be used, with why: picked here, they would do nothing.
        self.problems_label = QLabel("", left)
        self.problems_label.setObjectName("plugin_problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b00020;")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.hide()
        column.addWidget(self.problems_label)
        self.editor = ConverterEditor(context, self)
        self.editor.changed.connect(context.document.set_converter)
        self.editor.setEnabled(False)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setSizes([240, 760])
        self.layout_.addWidget(splitter, 1)
        self.confirm: QMessageBox | None = None
        context.document.changed.connect(self._document_changed)
        self.add_button.setEnabled(False)
        self._catalog_requested = False
        self._fill()

    def activated(self) -> None:
        if not self._catalog_requested:  # importing every converter waits until needed
            self._catalog_requested = True
            self.context.background.submit(
                converter_catalog, self._catalog_loaded, self._catalog_failed
            )
        self.refresh_live()

    def refresh_live(self) -> None:
        """Ask the service which converters it runs now."""
        self.context.link.call(lambda c: c.converters(), self._live_loaded, self._live_failed)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show the selected entry's errors; select the first entry with errors if it has none."""
        start = "converters["
        rows = sorted({int(k[len(start) :].split("]")[0]) for k in errors if k.startswith(start)})
        if rows and self.list.currentRow() not in rows:
            self.list.setCurrentRow(rows[0])
        prefix = f"{start}{self.list.currentRow()}]."
        self.editor.show_errors(
            {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}
        )

    def add(self) -> None:
        """Append a new entry (first converter, folder `incoming/<name>`) and select it."""
        name = next(iter(self.editor.catalog))
        index = self.context.document.add_converter({"type": name, "watch": f"incoming/{name}"})
        self.list.setCurrentRow(index)

    def ask_remove(self) -> None:
        """Ask before removing the selected entry (the dialog is `self.confirm`)."""
        row = self.list.currentRow()
        if row < 0:
            return
        text = self.list.item(row).text()
        self.confirm = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove converter",
            f"Remove {text}?\nFiles already queued are kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm.accepted.connect(lambda: self.context.document.remove_converter(row))
        self.confirm.open()

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self.editor.set_catalog(catalog.converters, catalog.origins)
        self.add_button.setEnabled(bool(catalog.converters))
        if catalog.problems:
            lines = "\n".join(f"• {problem}" for problem in catalog.problems)
            self.problems_label.setText(f"Plug-ins that cannot be used:\n{lines}")
            self.problems_label.show()

    def _catalog_failed(self, error: Exception) -> None:
        self.live_label.setText(f"Cannot list the installed converters: {error}")

    def _live_loaded(self, running: list[ConverterEntry]) -> None:
        self._live = {_live_key(Path("/"), c.model_dump()) for c in running}
        self._fill()

    def _live_failed(self, error: Exception) -> None:
        self._live = None
        self._live_note = f"service not reachable ({error})"
        self._fill()

    def _document_changed(self, key: str) -> None:
        if key in ("", "converters"):
            self._fill()

    def _fill(self) -> None:
        entries = self.context.document.converters()
        folder = self.context.document.path.parent
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for entry in entries:
            enabled = entry.get("enabled", True)
            mark = "" if enabled else "  (disabled)"
            if self._live is not None:
                mark += "  ● live" if _live_key(folder, entry) in self._live else "  ○ not live"
            item = QListWidgetItem(f"{entry.get('type')} — {entry.get('watch')}{mark}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if enabled else Qt.CheckState.Unchecked)
            item.setToolTip("Checked: the service takes files from this folder")
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self._live is None:
            self.live_label.setText(f"Live state: {self._live_note}")
        else:
            self.live_label.setText("● the running service uses it · ○ saved or edited, not live")
        row = min(max(row, 0), len(entries) - 1)
        self.list.setCurrentRow(row)
        self._selected(row)

    def _checked(self, item: QListWidgetItem) -> None:
        enabled = item.checkState() == Qt.CheckState.Checked
        # The edit rebuilds the list, so it waits until Qt is done with the item it reported.
        QTimer.singleShot(0, partial(self.set_enabled, self.list.row(item), enabled))

    def set_enabled(self, row: int, enabled: bool) -> None:
        """Enable or disable entry `row` (an unsaved edit, like any other)."""
        entries = self.context.document.converters()
        if not 0 <= row < len(entries):
            return
        entry = dict(entries[row])
        if enabled:
            entry.pop("enabled", None)  # the default: the key is left out of the file
        else:
            entry["enabled"] = False
        if entry != entries[row]:
            self.context.document.set_converter(row, entry)

    def _selected(self, row: int) -> None:
        entries = self.context.document.converters()
        if 0 <= row < len(entries):
            if row != self.editor.index or entries[row] != self.editor.entry:
                self.editor.edit(row, entries[row])
        else:
            self.editor.edit(-1, {})
        self.remove_button.setEnabled(row >= 0)
