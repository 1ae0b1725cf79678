"""`pywats-configurator [--config FILE]`: open the configurator on a station's configuration."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from pywats import __version__
from pywats._extras import require_extra
from pywats_ui._display import display_problem

__all__ = ["default_config_path", "main"]


#: The same variable `pywats-client` reads its `--config` default from.
CONFIG_ENV = "PYWATS_CLIENT_CONFIG"


def default_config_path() -> Path:
    """`$PYWATS_CLIENT_CONFIG`, else `client.toml` in the current folder (where
    `pywats-client init` writes it)."""
    return Path(os.environ.get(CONFIG_ENV) or "client.toml")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `pywats-configurator` and `python -m pywats_ui`; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="pywats-configurator",
        description="Set up and watch a pyWATS station service.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"the service's configuration file (default: {default_config_path()})",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    require_extra("gui", "pywats-configurator")
    problem = display_problem()
    if problem is not None:  # Qt would abort the process with a misleading message
        print(f"pywats-configurator: cannot open a window: {problem}", file=sys.stderr)
        return 2
    # Qt is imported only now, so `--help` works without a display (or without Qt).
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from pywats_ui._app import create_window

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("pyWATS Configurator")
    window = create_window(args.config or default_config_path())
    window.show()
    # Ctrl-C quits. Python runs a signal handler only between its own bytecodes, so a timer
    # hands control to the interpreter now and then while Qt's loop waits.
    previous = signal.signal(signal.SIGINT, lambda *_: app.exit(_INTERRUPTED))
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(200)
    # Said once the loop runs: an exit asked for before that would be ignored.
    QTimer.singleShot(0, _say_running)
    try:
        code = app.exec()
    finally:
        tick.stop()
        signal.signal(signal.SIGINT, previous)
    window.context.background.wait(2000)
    return code


def _say_running() -> None:
    print("pywats-configurator: running; close the window or press Ctrl-C to quit", file=sys.stderr)


#: The exit code of a program ended by Ctrl-C (128 + SIGINT).
_INTERRUPTED = 130
