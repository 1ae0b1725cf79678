"""A form generated from `Setting` declarations: one editor per setting, inline errors.

The form knows nothing about files or the service. It shows values (`set_values`), reports each
valid edit with `edited(key, value)` (None = not set) and marks a malformed entry in red with
the reason, without reporting it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pywats_ui._settings import Setting, SettingError

__all__ = ["SettingsForm"]


def _hint(setting: Setting) -> str:
    """What an empty field means."""
    if setting.required:
        return "required"
    if setting.default is None:
        return "not set"
    if setting.default in ("", []):
        return "none"
    return f"default: {setting.show(setting.default)}"


class _Field(QWidget):
    """One setting's editor and its error line."""

    def __init__(self, setting: Setting, form: SettingsForm, placeholder: str) -> None:
        super().__init__(form)
        self.setting = setting
        self._form = form
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.editor: QWidget
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if setting.kind is bool:
            box = QCheckBox(self)
            box.toggled.connect(lambda checked: self._emit(bool(checked)))
            self.editor = box
        elif setting.choices is not None:
            combo = QComboBox(self)
            if not setting.required:
                combo.addItem(f"({_hint(setting)})", None)
            for choice in setting.choices:
                combo.addItem(str(choice), choice)
            combo.activated.connect(lambda _: self._emit(combo.currentData()))
            self.editor = combo
        else:
            line = QLineEdit(self)
            line.setPlaceholderText(placeholder)
            line.setEchoMode(QLineEdit.EchoMode.Password if setting.secret else line.echoMode())
            line.textEdited.connect(self._typed)
            self.editor = line
        self.editor.setObjectName(setting.key)
        self.editor.setToolTip(setting.help)
        row.addWidget(self.editor, 1)
        if setting.folder:
            browse = QPushButton("Browse…", self)
            browse.clicked.connect(self._browse)
            row.addWidget(browse)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.error)

    def show_value(self, value: Any) -> None:
        self.editor.blockSignals(True)
        try:
            if isinstance(self.editor, QCheckBox):
                default = bool(self.setting.default)
                self.editor.setChecked(bool(value) if value is not None else default)
            elif isinstance(self.editor, QComboBox):
                index = self.editor.findData(value)
                if index < 0 and value is None:
                    index = self.editor.findData(self.setting.default)
                self.editor.setCurrentIndex(max(index, 0))
            elif isinstance(self.editor, QLineEdit) and self.setting.show(value) != (
                self.editor.text()
            ):
                self.editor.setText(self.setting.show(value))
        finally:
            self.editor.blockSignals(False)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.editor.setStyleSheet("border: 1px solid #b00020;" if message else "")

    def _typed(self, text: str) -> None:
        try:
            value = self.setting.parse(text)
        except SettingError as exc:
            self.show_error(str(exc))
            return
        self._emit(value)

    def _emit(self, value: Any) -> None:
        self.show_error(None)
        self._form.edited.emit(self.setting.key, value)

    def _browse(self) -> None:
        assert isinstance(self.editor, QLineEdit)
        folder = QFileDialog.getExistingDirectory(self, self.setting.label, self.editor.text())
        if folder:
            self.editor.setText(folder)
            self._typed(folder)


class SettingsForm(QWidget):
    """Editors for `settings`; `placeholders` override the "default: …" hint per key."""

    edited = Signal(str, object)

    def __init__(
        self,
        settings: Sequence[Setting],
        parent: QWidget | None = None,
        *,
        placeholders: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = tuple(settings)
        self._fields: dict[str, _Field] = {}
        layout = QFormLayout(self)
        for setting in self.settings:
            hint = (placeholders or {}).get(setting.key) or _hint(setting)
            field = _Field(setting, self, hint)
            self._fields[setting.key] = field
            label = QLabel(setting.label, self)
            label.setToolTip(setting.help)
            layout.addRow(label, field)

    def editor(self, key: str) -> QWidget:
        """The editor widget of `key` (tests drive it directly)."""
        return self._fields[key].editor

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show `values` (missing keys = not set); clears errors."""
        for key, field in self._fields.items():
            field.show_value(values.get(key))
            field.show_error(None)

    def set_placeholder(self, key: str, text: str) -> None:
        editor = self._fields[key].editor
        if isinstance(editor, QLineEdit):
            editor.setPlaceholderText(text)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Mark the fields named in `errors` with their messages; clears the others."""
        for key, field in self._fields.items():
            field.show_error(errors.get(key))
