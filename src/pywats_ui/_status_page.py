"""Status: the service's state and queue, live from the control API."""

from __future__ import annotations

import collections
import time
from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QListWidget, QWidget

from pywats_ui._page import Context, Page

__all__ = ["StatusPage", "age_text"]

_RECENT_ERRORS = 20
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
            ("station", "Station"),
            ("server", "Server"),
            ("pending", "Pending"),
            ("in_flight", "Uploading now"),
            ("quarantined", "Quarantined"),
            ("oldest", "Oldest pending"),
            ("last_upload", "Last upload"),
            ("throughput", "Throughput"),
            ("delivered", "Delivered (since start)"),
        ):
            value = QLabel("—", box)
            value.setObjectName(key)
            self.values[key] = value
            form.addRow(label, value)
        self.layout_.addWidget(box)
        self.layout_.addWidget(QLabel("Recent errors", self))
        self.errors = QListWidget(self)
        self.errors.setObjectName("errors")
        self.layout_.addWidget(self.errors, 1)
        self._seen_errors: collections.deque[str] = collections.deque(maxlen=_RECENT_ERRORS)
        self._delivered: collections.deque[tuple[float, float]] = collections.deque()
        self._quarantined_files = 0
        context.link.status_changed.connect(self.show_status)
        context.link.unreachable.connect(self.show_unreachable)

    def activated(self) -> None:
        self.context.link.start_polling()

    def deactivated(self) -> None:
        self.context.link.stop_polling()

    def show_status(self, status: dict[str, Any]) -> None:
        now = time.time()
        outbox, uploader = status["outbox"], status["uploader"]
        problems = list(status.get("health") or [])
        if not status.get("ready"):
            state = "starting or stopping"
        elif problems:
            state = "running, unhealthy"
        elif uploader.get("paused_until") or uploader.get("consecutive_failures"):
            state = "running, server unreachable — retrying"
        else:
            state = "running"
        self._set("state", f"{state} (pid {status.get('pid')})")
        station = status.get("station", {})
        parts = [station.get(key) for key in ("name", "location", "purpose")]
        self._set("station", " · ".join(p for p in parts if p) or "—")
        self._set("server", str(status.get("server", "—")))
        self._set("pending", str(outbox["pending"]))
        self._set("in_flight", str(uploader["in_flight"]))
        files = int(status.get("quarantined_files", 0))
        if files > self._quarantined_files:
            self._remember(f"{files} file(s) in quarantine — see Outbox for reasons")
        self._quarantined_files = files
        self._set("quarantined", f"{outbox['quarantined']} report(s), {files} file(s)")
        oldest = outbox.get("oldest_pending")
        self._set("oldest", age_text(now - oldest if oldest else None))
        last = uploader.get("last_success")
        self._set("last_upload", f"{age_text(now - last)} ago" if last else "never")
        delivered = float(status.get("totals", {}).get("delivered", 0.0))
        self._set("delivered", f"{delivered:.0f}")
        self._set("throughput", self._throughput(now, delivered))
        for problem in [*problems, uploader.get("last_error"), status["intake"].get("disk_error")]:
            if problem:
                self._remember(problem)

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

    def _remember(self, problem: str) -> None:
        if problem in self._seen_errors:
            return
        self._seen_errors.append(problem)
        self.errors.insertItem(0, f"{time.strftime('%H:%M:%S')}  {problem}")
        while self.errors.count() > _RECENT_ERRORS:
            self.errors.takeItem(self.errors.count() - 1)

    def _set(self, key: str, text: str) -> None:
        self.values[key].setText(text)
