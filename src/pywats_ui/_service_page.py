"""Service: install, uninstall, start, stop and query the OS service (systemd, launchd, Windows
task).

The page runs the `pywats-client` command line (`python -m pywats_client`, same interpreter) for
these, off the UI thread, and shows exactly what it printed: the CLI owns service installation,
the configurator only drives it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from pywats_ui._page import Context, Page

__all__ = ["ACTIONS", "ServicePage", "run_action"]

#: Button label → `pywats-client` command; the ones marked True take `--user`.
ACTIONS: dict[str, tuple[str, bool]] = {
    "Install": ("install-service", True),
    "Uninstall": ("uninstall-service", True),
    "Start": ("start", True),
    "Stop": ("stop", True),
    "Status": ("status", False),
}
_TIMEOUT = 120.0


@dataclass(frozen=True)
class Outcome:
    command: list[str]
    code: int
    output: str


def run_action(action: str, config: Path, *, user: bool = False) -> Outcome:
    """Run one `ACTIONS` entry for `config` (`user`: a per-user service) and capture what it
    printed, stdout and stderr interleaved."""
    name, takes_user = ACTIONS[action]
    command = [sys.executable, "-m", "pywats_client", name, "--config", str(config)]
    if user and takes_user:
        command.append("--user")
    done = subprocess.run(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=_TIMEOUT,
        check=False,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    return Outcome(command, done.returncode, done.stdout)


class ServicePage(Page):
    """One button per action; the output of the last one below."""

    title = "Service"

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.layout_.addWidget(
            QLabel(
                "Runs the station service as an OS service (systemd unit, launchd agent or "
                "Windows scheduled task) with this configuration file. Installing may need "
                "administrator rights.",
                self,
            )
        )
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            button = QPushButton(action, self)
            button.setObjectName(action.lower())
            button.clicked.connect(lambda _=False, a=action: self.run(a))
            self.buttons[action] = button
            row.addWidget(button)
        self.user = QCheckBox("Per-user service (no administrator rights)", self)
        self.user.setObjectName("user")
        row.addWidget(self.user)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.output = QPlainTextEdit(self)
        self.output.setObjectName("service_output")
        self.output.setReadOnly(True)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.layout_.addWidget(self.output, 1)

    def run(self, action: str) -> None:
        """Run `action` in the background; the buttons wait until it is done."""
        config, user = self.context.document.path, self.user.isChecked()
        for button in self.buttons.values():
            button.setEnabled(False)
        self.output.setPlainText(f"{action}…")
        self.context.background.submit(
            lambda: run_action(action, config, user=user), self._finished, self._failed
        )

    def _finished(self, outcome: Outcome) -> None:
        self._enable()
        verdict = "done" if outcome.code == 0 else f"failed (exit code {outcome.code})"
        self.output.setPlainText(f"$ {' '.join(outcome.command)}\n{outcome.output}\n{verdict}")

    def _failed(self, error: Exception) -> None:
        self._enable()
        self.output.setPlainText(f"Could not run the command: {error}")

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(True)
