"""The pyWATS configurator: a Qt desktop app to set up and watch a station service.

Start it with `pywats-configurator [--config FILE]`. It edits the service's TOML file (the
token goes to a 0600 secrets file beside it) and talks to the running service only through its
control API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pywats._lazy import lazy_exports

if TYPE_CHECKING:
    from pywats_ui._app import create_window
    from pywats_ui._cli import main
    from pywats_ui._window import MainWindow

_EXPORTS = {
    "pywats_ui._app": ("create_window",),
    "pywats_ui._cli": ("main",),
    "pywats_ui._window": ("MainWindow",),
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["MainWindow", "create_window", "main"]
