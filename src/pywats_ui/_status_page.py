"""Status: the service's state and queue, live from the control API."""

from __future__ import annotations

import collections
import time
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QListWidget, QWidget

from pywats_ui._page import Context, Page

if TYPE_CHECKING:
    from pywats_client._control_models import PastError, ServiceStatus

__all__ = ["StatusPage", "age_text", "past_error_text"]

_PAST_ERRORS = 20
_THROUGHPUT_WINDOW = 60.0


def age_text(seconds: float | None) -> str:
    """A short human duration: `12 s`, `4 min`, `3.5 h`, `2.0 d`; `—` for None."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def past_error_text(past: PastError) -> str:
    """One history entry: when it began, where, what, and how often it repeated until when."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(past.at))
    text = f"{stamp}  {past.source}: {past.error}"
    if past.count > 1:
        text += f"  (×{past.count}, last {time.strftime('%H:%M:%S', time.localtime(past.last))})"
    return text


class StatusPage(Page):
    """Service state, counts, ages, throughput and recent errors, refreshed every poll."""

    title = "Status"

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        box = QGroupBox("Service", self)
        form = QFormLayout(box)
        self.values: dict[str, QLabel] = {}
        for key, label in (
            ("state", "State"),
            ("problems", "Problems"),
            ("station", "Station"),
            ("server", "Server"),
            ("pending", "Pending"),
            ("in_flight", "Uploading now"),
            ("quarantined", "Quarantined"),
            ("oldest", "Oldest pending"),
            ("last_upload", "Last upload"),
            ("next_try", "Next try"),
            ("throughput", "Throughput"),
            ("delivered", "Delivered (since start)"),
        ):
            value = QLabel("—", box)
            value.setObjectName(key)
            self.values[key] = value
            form.addRow(label, value)
        self.layout_.addWidget(box)
        self.values["problems"].setWordWrap(True)
        self.layout_.addWidget(QLabel("Past errors (newest first)", self))
        self.errors = QListWidget(self)
        self.errors.setObjectName("errors")
        self.layout_.addWidget(self.errors, 1)
        self._shown_errors: list[PastError] = []
        self._delivered: collections.deque[tuple[float, float]] = collections.deque()
        context.link.status_changed.connect(self.show_status)
        context.link.unreachable.connect(self.show_unreachable)

    def activated(self) -> None:
        self.context.link.start_polling()

    def deactivated(self) -> None:
        self.context.link.stop_polling()

    def show_status(self, status: ServiceStatus) -> None:
        """Show the state as it is now; errors that have ended stay only in the history."""
        now = time.time()
        outbox, uploader = status.outbox, status.uploader
        self._set("state", f"{_state(status)} (pid {status.pid})")
        self._set("problems", "\n".join(status.health) or "none")
        station = status.station
        parts = [station.name, station.location, station.purpose]
        self._set("station", " · ".join(p for p in parts if p) or "—")
        self._set("server", status.server)
        self._set("pending", str(outbox.pending))
        self._set("in_flight", str(uploader.in_flight))
        files = status.quarantined_files
        self._set("quarantined", f"{outbox.quarantined} report(s), {files} file(s)")
        oldest = outbox.oldest_pending
        self._set("oldest", age_text(now - oldest if oldest else None))
        last = uploader.last_success
        self._set("last_upload", f"{age_text(now - last)} ago" if last else "never")
        next_try = uploader.next_try
        if next_try is None:
            self._set("next_try", "—")
        else:
            wait = max(next_try - now, 0.0)
            self._set("next_try", "now" if wait < 1 else f"in {age_text(wait)}")
        delivered = status.totals.delivered
        self._set("delivered", f"{delivered:.0f}")
        self._set("throughput", self._throughput(now, delivered))
        self._show_errors(status.errors)

    def show_unreachable(self, reason: str) -> None:
        for label in self.values.values():
            label.setText("—")  # stale counts would look live
        self._set("state", f"not reachable — {reason}")

    def _throughput(self, now: float, delivered: float) -> str:
        self._delivered.append((now, delivered))
        while self._delivered and now - self._delivered[0][0] > _THROUGHPUT_WINDOW:
            self._delivered.popleft()
        first_time, first_count = self._delivered[0]
        if now - first_time < 1.0:
            return "—"
        rate = (delivered - first_count) / (now - first_time) * 60
        return f"{rate:.1f} reports/min (last {now - first_time:.0f} s)"

    def _show_errors(self, errors: list[PastError]) -> None:
        if errors == self._shown_errors:
            return
        self._shown_errors = errors
        self.errors.clear()
        for past in errors[:_PAST_ERRORS]:
            self.errors.addItem(past_error_text(past))

    def _set(self, key: str, text: str) -> None:
        self.values[key].setText(text)


def _state(status: ServiceStatus) -> str:
    """The service's state now, in a few words."""
    uploader = status.uploader
    if not status.ready:
        return "starting or stopping"
    if uploader.error and status.outbox.pending:
        if uploader.server_answers is False:
            return "running, server unreachable — retrying"
        return "running, uploads failing — retrying"
    if status.health:
        return "running, degraded"
    return "running"
