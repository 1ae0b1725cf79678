"""About: versions, and where the configuration, data, logs and token live."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from pywats_client._logging import log_file
from pywats_ui._page import Context, Page

__all__ = ["AboutPage"]

_SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse


def _sdk_version() -> str:
    import pywats  # on the pool: the SDK is not needed to start the window

    return pywats.__version__


class AboutPage(Page):
    """Read-only facts; the paths follow the document as it is edited."""

    title = "About"

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        facts = {
            "pywats": "…",
            "python": f"{platform.python_version()} ({platform.python_implementation()})",
            "qt": f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
            "platform": platform.platform(terse=True),
        }
        labels = {
            "pywats": "pyWATS",
            "python": "Python",
            "qt": "Qt",
            "platform": "Platform",
            "config": "Configuration file",
            "data": "Data folder",
            "logs": "Log file",
            "token": "Token file",
        }
        for key, label in labels.items():
            value = QLabel(facts.get(key, ""), self)
            value.setObjectName(key)
            value.setTextInteractionFlags(value.textInteractionFlags() | _SELECTABLE)
            self.values[key] = value
            form.addRow(label, value)
        self.layout_.addLayout(form)
        self.layout_.addStretch(1)
        context.document.changed.connect(lambda _: self._paths())
        self._paths()
        self._asked = False

    def activated(self) -> None:
        if not self._asked:
            self._asked = True
            self.context.background.submit(
                _sdk_version,
                self.values["pywats"].setText,
                lambda error: self.values["pywats"].setText(f"cannot import pywats: {error}"),
            )

    def _paths(self) -> None:
        snapshot = self.context.document.snapshot()
        data = snapshot.data_folder()
        token = snapshot.token_path()
        self.values["config"].setText(str(snapshot.path))
        self.values["data"].setText(str(data))
        self.values["logs"].setText(str(log_file(data)))
        self.values["token"].setText(str(token) if token else "(none: no token set)")
