"""Editing one converter entry: its folder settings, a form generated from the converter's
declared parameters, and "Try a file" — a dry run through the running service."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pywats.report import report_from_json
from pywats_client._control_models import DryRunResult
from pywats_client.converters import BUILT_IN, Converter, ParameterError
from pywats_ui._form import SettingsForm
from pywats_ui._page import Context
from pywats_ui._report_tree import ReportTree
from pywats_ui._settings import CONVERTER, CONVERTER_DEFAULTS, parameter_settings

__all__ = ["ConverterEditor"]


class ConverterEditor(QWidget):
    """Edits a copy of one `[[converters]]` entry; `changed(index, entry)` after each valid edit."""

    changed = Signal(int, dict)

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.catalog: dict[str, type[Converter]] = {}
        self.origins: dict[str, str] = {}
        self.index = -1
        self.entry: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.base_box = QGroupBox("Converter", self)
        self.base_layout = QVBoxLayout(self.base_box)
        self.base: SettingsForm | None = None
        self.params_box = QGroupBox("Parameters", self)
        self.params_layout = QVBoxLayout(self.params_box)
        self.params: SettingsForm | None = None
        self.try_button = QPushButton("Try a file…", self)
        self.try_button.setObjectName("try_file")
        self.try_button.clicked.connect(self._pick_file)
        self.try_result = QLabel("", self)
        self.try_result.setObjectName("try_result")
        self.try_result.setWordWrap(True)
        self.tree = ReportTree(self)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Conversion log")
        results = QSplitter(self)
        results.addWidget(self.tree)
        results.addWidget(self.log)
        results.setStretchFactor(0, 3)
        forms = QHBoxLayout()
        forms.addWidget(self.base_box, 1)
        forms.addWidget(self.params_box, 1)
        layout.addLayout(forms)
        layout.addWidget(self.try_button)
        layout.addWidget(self.try_result)
        layout.addWidget(results, 1)

    def set_catalog(
        self, catalog: Mapping[str, type[Converter]], origins: Mapping[str, str]
    ) -> None:
        """The converters that can be chosen (name → class) and where each comes from (name →
        `built-in` or a plug-in's distribution and version)."""
        self.catalog = dict(catalog)
        self.origins = dict(origins)
        kind = dataclasses.replace(CONVERTER[0], choices=tuple(self.catalog))
        self.base = SettingsForm((kind, *CONVERTER[1:]), self.base_box)
        self.base.edited.connect(self._base_edited)
        self.base_layout.addWidget(self.base)
        if self.index >= 0:
            self.edit(self.index, self.entry)

    def edit(self, index: int, entry: Mapping[str, Any]) -> None:
        """Show entry `index`; -1 shows nothing."""
        self.index = index
        self.entry = copy.deepcopy(dict(entry))
        self.setEnabled(index >= 0)
        if self.base is None:
            return
        self.base.set_values(self.entry)
        self._rebuild_parameters()

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Errors keyed relative to this entry (`watch`, `parameters.part_number`)."""
        if self.base is not None:
            self.base.show_errors(errors)
        if self.params is not None:
            prefix = "parameters."
            self.params.show_errors(
                {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}
            )

    def _rebuild_parameters(self) -> None:
        if self.params is not None:
            self.params.deleteLater()
            self.params = None
        converter = self.catalog.get(str(self.entry.get("type")))
        if converter is None:
            return
        origin = self.origins.get(converter.name)
        plugin = f" (plug-in: {origin})" if origin and origin != BUILT_IN else ""
        self.params_box.setTitle(f"Parameters of {converter.name}{plugin}")
        self.params = SettingsForm(parameter_settings(converter.parameters), self.params_box)
        self.params.set_values(self.entry.get("parameters", {}))
        self.params.edited.connect(self._parameter_edited)
        self.params_layout.addWidget(self.params)
        if self.base is not None:
            default = " ".join(converter.patterns) or "*"
            self.base.set_placeholder("patterns", f"default: {default}")

    def _base_edited(self, key: str, value: Any) -> None:
        # A checkbox has no "not set" state: its default is written as an absent key, so that
        # ticking it back leaves the entry (and the file) exactly as it was.
        if value is None or (isinstance(value, bool) and value == CONVERTER_DEFAULTS.get(key)):
            self.entry.pop(key, None)
        else:
            self.entry[key] = value
        if key == "type":
            converter = self.catalog[str(value)]
            known = {p.name for p in converter.parameters}
            kept = {k: v for k, v in self.entry.get("parameters", {}).items() if k in known}
            self.entry.pop("parameters", None)
            if kept:
                self.entry["parameters"] = kept
            self._rebuild_parameters()
        self.changed.emit(self.index, copy.deepcopy(self.entry))

    def _parameter_edited(self, key: str, value: Any) -> None:
        assert self.params is not None
        declared = {p.name: p for p in self.catalog[self.entry["type"]].parameters}
        try:
            value = declared[key].coerce(value)
        except ParameterError as exc:
            self.params.show_errors({key: str(exc)})
            return
        parameters = self.entry.setdefault("parameters", {})
        if value is None or value == declared[key].default:
            parameters.pop(key, None)
        else:
            parameters[key] = value
        if not parameters:
            del self.entry["parameters"]
        self.changed.emit(self.index, copy.deepcopy(self.entry))

    # -- try a file ---------------------------------------------------------------------------

    def _pick_file(self) -> None:
        watch = str(self.entry.get("watch", ""))
        name, _ = QFileDialog.getOpenFileName(self, "Try a file", watch)
        if name:
            self.try_file(Path(name))

    def try_file(self, path: Path) -> None:
        """Convert `path` with this entry's converter and parameters (as edited, even unsaved)
        through the running service, and show the reports it would queue."""
        converter = str(self.entry.get("type"))
        parameters = dict(self.entry.get("parameters", {}))
        self.try_button.setEnabled(False)
        self.try_result.setStyleSheet("")
        self.try_result.setText(f"Converting {path.name} with {converter}…")
        self.tree.clear()
        self.log.clear()
        self.context.link.call(
            lambda client: client.dry_run(converter, path.name, path.read_bytes(), parameters),
            self._tried,
            self._try_failed,
        )

    def _tried(self, result: DryRunResult) -> None:
        self.try_button.setEnabled(True)
        self.log.setPlainText("\n".join(result.log))
        if result.ok:
            self.try_result.setStyleSheet("color: #1b5e20;")
            self.try_result.setText(f"{len(result.reports)} report(s) — nothing was queued.")
            self.tree.show_reports([report_from_json(r) for r in result.reports])
        else:
            self.try_result.setStyleSheet("color: #b00020;")
            self.try_result.setText(f"Conversion failed: {result.error}")

    def _try_failed(self, error: Exception) -> None:
        self.try_button.setEnabled(True)
        self.try_result.setStyleSheet("color: #b00020;")
        self.try_result.setText(f"Dry run not possible: {error}")
