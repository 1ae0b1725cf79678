"""Building the configurator: one document, one service link, one pool, one window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from pywats_ui._background import Background
from pywats_ui._document import ConfigDocument
from pywats_ui._link import ServiceLink
from pywats_ui._page import Context
from pywats_ui._window import MainWindow

__all__ = ["create_window"]


def create_window(config: Path, *, poll_ms: int = 1000) -> MainWindow:
    """A main window editing `config` (it need not exist yet); loading starts at once.

    A QApplication must exist. `poll_ms` is how often the status page asks the service.
    """
    if QApplication.instance() is None:
        raise RuntimeError("create a QApplication before the configurator window")
    background = Background()
    document = ConfigDocument(config.resolve())
    link = ServiceLink(background, poll_ms=poll_ms)
    window = MainWindow(Context(document, link, background))
    for part in (background, document, link):
        part.setParent(window)  # they live and die with the window
    window.load()
    return window
