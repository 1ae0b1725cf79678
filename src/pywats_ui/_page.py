"""What every page of the configurator shares: the document, the service link, the pool."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pywats_ui._background import Background
from pywats_ui._document import ConfigDocument
from pywats_ui._link import ServiceLink

__all__ = ["Context", "Page"]


@dataclass(frozen=True)
class Context:
    """The objects pages work with; all live on the UI thread."""

    document: ConfigDocument
    link: ServiceLink
    background: Background


class Page(QWidget):
    """One page of the main window.

    `keys` are the document keys the page edits (its navigation entry is marked while any of
    them is unsaved). `activated`/`deactivated` bracket the time the page is on screen, so live
    pages refresh only while visible.
    """

    title = ""
    keys: tuple[str, ...] = ()

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(f"<h2>{self.title}</h2>", self)
        self.layout_.addWidget(heading)

    def activated(self) -> None:
        """The page was brought on screen."""

    def deactivated(self) -> None:
        """The page left the screen."""

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Mark the fields named by the configuration keys in `errors` (from a failed save)."""
