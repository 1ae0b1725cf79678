"""Station: identity written into reports, with the detected host name as the default, and the
service's folders and limits."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from pywats_client import Station
from pywats_ui._form import SettingsForm
from pywats_ui._page import Context, Page
from pywats_ui._settings import SERVICE, STATION

__all__ = ["StationPage"]


class StationPage(Page):
    """Edits `station.*` and the service settings (data folder, intake, outbox, logging)."""

    title = "Station"
    keys = tuple(s.key for s in (*STATION, *SERVICE))

    def __init__(self, context: Context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        detected = Station.detect().name
        self.identity = SettingsForm(
            STATION, self, placeholders={"station.name": f"detected: {detected}"}
        )
        self.service = SettingsForm(SERVICE, self)
        for title, form in (("Identity", self.identity), ("Service", self.service)):
            box = QGroupBox(title, self)
            QVBoxLayout(box).addWidget(form)
            self.layout_.addWidget(box)
            form.edited.connect(context.document.set_value)
        self.layout_.addStretch(1)
        context.document.changed.connect(self._refresh)
        self._refresh("")

    def _refresh(self, key: str) -> None:
        if key == "" or key in self.keys:
            document = self.context.document
            for form in (self.identity, self.service):
                form.set_values({s.key: document.value(s.key) for s in form.settings})

    def show_errors(self, errors: Mapping[str, str]) -> None:
        self.identity.show_errors(errors)
        self.service.show_errors(errors)
