"""The configuration being edited: plain TOML data plus the secret token, with change signals.

`ConfigDocument` lives on the UI thread and never touches the disk itself: a `Snapshot` is read
(`read_snapshot`) and saved (`save_snapshot`) by background jobs, so pages can share one
document, survive page switches with their edits intact, and tell what is unsaved.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from pywats_client._config import (
    SCHEMA_VERSION,
    ClientConfig,
    PathsConfig,
    anchored,
    parse_config,
)
from pywats_client._durable import DiskIO
from pywats_ui._persist import read_document, read_secret, to_toml
from pywats_ui._settings import TOKEN

__all__ = ["DEFAULT_TOKEN_FILE", "ConfigDocument", "Snapshot", "read_snapshot", "save_snapshot"]

#: Where a new token is kept, relative to the configuration file.
DEFAULT_TOKEN_FILE = "server.token"
DEFAULT_DATA_FOLDER = str(PathsConfig().data)


@dataclass(frozen=True)
class Snapshot:
    """The whole editable state at one moment: file path, TOML data and token."""

    path: Path
    data: dict[str, Any]
    token: str

    def token_path(self) -> Path | None:
        name = self.data.get("server", {}).get("token_file")
        if not name:
            return None
        return anchored(Path(name), self.path.parent)

    def data_folder(self) -> Path:
        """The service's data folder (control endpoint, logs) as this configuration sets it."""
        data = Path(str(self.data.get("paths", {}).get("data", DEFAULT_DATA_FOLDER)))
        return anchored(data, self.path.parent)

    def validate(self) -> ClientConfig:
        """The configuration as the service would load it; ConfigError names file and key."""
        return parse_config(to_toml(self.data), origin=str(self.path), base=self.path.parent)


def read_snapshot(path: Path) -> Snapshot:
    """Read the configuration file and its token (a new document when the file is absent)."""
    data = read_document(path) or {"schema_version": SCHEMA_VERSION}
    snapshot = Snapshot(path, data, "")
    token_path = snapshot.token_path()
    token = read_secret(token_path) if token_path is not None else ""
    return Snapshot(path, data, token)


def save_snapshot(snapshot: Snapshot) -> ClientConfig:
    """Validate, then write the token (0600) and the configuration file, each atomically.

    Nothing is written when validation fails (ConfigError). The token goes first so that the
    configuration never names a secrets file that does not exist yet.
    """
    config = snapshot.validate()
    token_path = snapshot.token_path()
    disk = DiskIO()
    if token_path is not None and snapshot.token:
        token_path.parent.mkdir(parents=True, exist_ok=True)
        disk.write_atomic(token_path, f"{snapshot.token}\n".encode(), private=True)
    snapshot.path.parent.mkdir(parents=True, exist_ok=True)
    disk.write_atomic(snapshot.path, to_toml(snapshot.data).encode("utf-8"))
    return config


def _lookup(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class ConfigDocument(QObject):
    """The configuration under edit.

    `changed(key)` is emitted after every edit with the dotted key, `"converters"` for the
    converter list, and `""` when the whole document was replaced (loaded or reverted).
    `dirty_changed(bool)` follows whether the document differs from what is on disk.
    """

    changed = Signal(str)
    dirty_changed = Signal(bool)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        self._token = ""
        self._saved = self.snapshot()
        self._dirty = False

    # -- reading ------------------------------------------------------------------------------

    def value(self, key: str) -> Any:
        """The value at dotted `key`, or None when it is not set."""
        if key == TOKEN.key:
            return self._token or None
        return copy.deepcopy(_lookup(self._data, key))

    def converters(self) -> list[dict[str, Any]]:
        """A copy of the converter entries, in file order."""
        return copy.deepcopy(list(self._data.get("converters", [])))

    @property
    def dirty(self) -> bool:
        return self._dirty

    def is_dirty(self, *keys: str) -> bool:
        """True when any of `keys` (dotted keys or section names) differs from the saved file."""
        saved = self._saved
        for key in keys:
            if key == TOKEN.key:
                if self._token != saved.token:
                    return True
            elif _lookup(self._data, key) != _lookup(saved.data, key):
                return True
        return False

    def snapshot(self) -> Snapshot:
        return Snapshot(self.path, copy.deepcopy(self._data), self._token)

    # -- editing ------------------------------------------------------------------------------

    def set_value(self, key: str, value: Any) -> None:
        """Set dotted `key`; None removes it (the service then uses its default).

        Setting the token also names a secrets file (`server.token` beside the configuration)
        when none is named yet; clearing it drops `server.token_file`.
        """
        if key == TOKEN.key:
            self._token = (value or "").strip()
            server = (
                self._data.setdefault("server", {}) if self._token else self._data.get("server", {})
            )
            if not self._token:
                # The configuration stops naming the secrets file; the file is left alone
                # (another instance may share it).
                server.pop("token_file", None)
            elif not server.get("token_file"):
                server["token_file"] = DEFAULT_TOKEN_FILE
        else:
            *parents, last = key.split(".")
            node = self._data
            for part in parents:
                node = node.setdefault(part, {})
            if value is None:
                node.pop(last, None)
            else:
                node[last] = copy.deepcopy(value)
        self._edited(key)

    def set_converter(self, index: int, entry: dict[str, Any]) -> None:
        self._data["converters"][index] = copy.deepcopy(entry)
        self._edited("converters")

    def add_converter(self, entry: dict[str, Any]) -> int:
        """Append a converter entry; returns its index."""
        self._data.setdefault("converters", []).append(copy.deepcopy(entry))
        self._edited("converters")
        return len(self._data["converters"]) - 1

    def remove_converter(self, index: int) -> None:
        del self._data["converters"][index]
        if not self._data["converters"]:
            del self._data["converters"]
        self._edited("converters")

    def replace(self, snapshot: Snapshot) -> None:
        """Take the whole state from `snapshot`, which is what the files hold (loaded or saved)."""
        self.path = snapshot.path
        self._data = copy.deepcopy(snapshot.data)
        self._token = snapshot.token
        self._saved = self.snapshot()
        self._edited("")

    def mark_saved(self, snapshot: Snapshot) -> None:
        """Record that `snapshot` is now what the files hold."""
        self._saved = Snapshot(snapshot.path, copy.deepcopy(snapshot.data), snapshot.token)
        self._update_dirty()

    def revert(self) -> None:
        """Drop every unsaved edit."""
        self.replace(self._saved)

    def _edited(self, key: str) -> None:
        self.changed.emit(key)
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self._data != self._saved.data or self._token != self._saved.token
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
