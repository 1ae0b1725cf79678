"""A tree of converted reports: header line per report, then its steps and measurements.

Walks the `pywats.report` model of the documents the service's dry run returns, so it shows
exactly what would be uploaded, unknown step types included.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from pywats.report import (
    NumericLimitStep,
    NumericMeasurement,
    PassFailStep,
    Report,
    Step,
    StringMeasurement,
    StringValueStep,
    UURReport,
    UUTReport,
)

__all__ = ["ReportTree"]

_STATUS = {
    "P": "Passed",
    "F": "Failed",
    "D": "Done",
    "S": "Skipped",
    "E": "Error",
    "T": "Terminated",
}
_FAILED = QColor("#b00020")

Measurement = NumericMeasurement | StringMeasurement | None


def _value(m: Measurement) -> str:
    """A measurement's value and unit, and its limits with the comparison when it has them."""
    if m is None:  # pass/fail: the status says it all
        return ""
    if isinstance(m, StringMeasurement):
        value, limits = str(m.value), str(m.limit or "")
    else:
        value = f"{m.value!s} {m.unit or ''}".strip()
        limits = " ".join(str(x) for x in (m.low_limit, m.high_limit) if x is not None)
    return f"{value}  [{m.comp_op} {limits}]" if m.comp_op and limits else value


def _measurements(step: Step) -> list[tuple[str | None, str, Measurement, str | None]]:
    """(name, kind, measurement, status) of each measurement `step` carries."""
    if isinstance(step, NumericLimitStep):
        return [(m.name, "numericMeas", m, m.status) for m in step.measurements]
    if isinstance(step, PassFailStep):
        return [(m.name, "booleanMeas", None, m.status) for m in step.measurements]
    if isinstance(step, StringValueStep):
        return [(m.name, "stringMeas", m, m.status) for m in step.measurements]
    return []


class ReportTree(QTreeWidget):
    """Columns: name, type, status, value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Name", "Type", "Status", "Value"])
        for column, width in enumerate((250, 110, 70)):
            self.setColumnWidth(column, width)

    def show_reports(self, reports: Sequence[Report]) -> None:
        self.clear()
        for report in reports:
            kind = "UUR" if isinstance(report, UURReport) else "UUT"
            title = f"{kind} {report.part_number} rev {report.revision} SN {report.serial_number}"
            process = f"process {report.process_code}"
            top = self._item(None, title, process, report.result)
            top.setToolTip(0, f"id {report.id}, station {report.station_name}")
            # `root` on a report without one would add it: only a present root is walked.
            if isinstance(report, UUTReport) and isinstance(report.raw.get("root"), dict):
                self._step(top, report.root)
            top.setExpanded(True)

    def _step(self, parent: QTreeWidgetItem, step: Step) -> None:
        item = self._item(parent, str(step.name), step.step_type, step.status)
        measured = _measurements(step)
        for name, kind, m, status in measured:
            if len(measured) == 1 and not name:
                item.setText(3, _value(m))
            else:
                self._item(item, str(name), kind, status, _value(m))
        for child in step.steps:
            self._step(item, child)

    def _item(
        self,
        parent: QTreeWidgetItem | None,
        name: str,
        kind: str | None,
        status: str | None,
        value: str = "",
    ) -> QTreeWidgetItem:
        texts = [name, kind or "", _STATUS.get(str(status), str(status or "")), value]
        item = QTreeWidgetItem(texts) if parent is None else QTreeWidgetItem(parent, texts)
        if parent is None:
            self.addTopLevelItem(item)
        if status == "F":
            for column in range(4):
                item.setForeground(column, QBrush(_FAILED))
        return item
