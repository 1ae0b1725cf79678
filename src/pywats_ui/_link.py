"""The configurator's line to the running service: control API calls off the UI thread.

The service publishes its control endpoint and token in its data folder; `ServiceLink` reads
them afresh for every call (the service may restart on another port), runs the call on the
`Background` pool and delivers the result or a `ControlError` on the UI thread. It also polls
`/status` on a timer while anyone listens, never with two polls in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from pywats_ui._background import Background

if TYPE_CHECKING:
    from pywats_client._control_client import ControlClient
    from pywats_client._control_models import ServiceStatus

__all__ = ["ServiceLink"]

T = TypeVar("T")


class ServiceLink(QObject):
    """Control API access for one data folder.

    `status_changed(ServiceStatus)` carries each polled status; `unreachable(str)` says why a
    poll failed (service not running, refused, ...).
    """

    status_changed = Signal(object)
    unreachable = Signal(str)

    def __init__(
        self,
        background: Background,
        parent: QObject | None = None,
        *,
        poll_ms: int = 1000,
        timeout: float = 5.0,
    ) -> None:
        super().__init__(parent)
        self.background = background
        self.data_folder: Path | None = None
        self.timeout = timeout
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)

    def set_data_folder(self, folder: Path) -> None:
        """Talk to the service that uses `folder` (from the saved configuration)."""
        self.data_folder = folder

    def start_polling(self) -> None:
        if not self._timer.isActive():
            self._timer.start()
            self.poll()

    def stop_polling(self) -> None:
        self._timer.stop()

    def call(
        self,
        request: Callable[[ControlClient], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Run `request(client)` in the background; `failed` gets ControlError and OS errors."""
        folder, timeout = self.data_folder, self.timeout

        def work() -> T:
            # Imported here, on the pool: the HTTP stack stays off the start-up path.
            from pywats_client._control_client import ControlClient, ControlError

            if folder is None:
                raise ControlError("no configuration loaded yet")
            with ControlClient.for_data_folder(folder, timeout=timeout) as client:
                return request(client)

        self.background.submit(work, done, failed)

    def poll(self) -> None:
        """Fetch `/status` now unless a poll is already in flight or nothing is loaded yet."""
        if self._polling or self.data_folder is None:
            return
        self._polling = True
        self.call(lambda client: client.status(), self._polled, self._poll_failed)

    def _polled(self, status: ServiceStatus) -> None:
        self._polling = False
        self.status_changed.emit(status)

    def _poll_failed(self, error: Exception) -> None:
        self._polling = False
        self.unreachable.emit(str(error))
