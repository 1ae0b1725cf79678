"""A tree of converted reports: header line per report, then its steps and measurements.

Reads the WSJF documents as returned by the service's dry-run, so it shows exactly what would
be uploaded, unknown step types included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

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
_MEASUREMENTS = ("numericMeas", "booleanMeas", "stringMeas")


def _measurement(kind: str, m: dict[str, Any]) -> str:
    if kind == "booleanMeas":
        return ""
    value = f"{m.get('value')!s} {m.get('unit') or ''}".strip()
    comp = m.get("compOp")
    low, high = m.get("lowLimit"), m.get("highLimit")
    limits = " ".join(str(x) for x in (low, high) if x is not None)
    if kind == "stringMeas":
        limits = str(m.get("limit") or "")
    return f"{value}  [{comp} {limits}]" if comp and limits else value


class ReportTree(QTreeWidget):
    """Columns: name, type, status, value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Name", "Type", "Status", "Value"])
        for column, width in enumerate((250, 110, 70)):
            self.setColumnWidth(column, width)

    def show_reports(self, reports: Sequence[dict[str, Any]]) -> None:
        self.clear()
        for report in reports:
            kind = "UUR" if report.get("type") == "R" else "UUT"
            title = f"{kind} {report.get('pn')} rev {report.get('rev')} SN {report.get('sn')}"
            top = self._item(
                None, title, f"process {report.get('processCode')}", report.get("result"), ""
            )
            top.setToolTip(0, f"id {report.get('id')}, station {report.get('machineName')}")
            root = report.get("root")
            if isinstance(root, dict):
                self._step(top, root)
            top.setExpanded(True)

    def _step(self, parent: QTreeWidgetItem, step: dict[str, Any]) -> None:
        item = self._item(parent, str(step.get("name")), step.get("stepType"), step.get("status"))
        for kind in _MEASUREMENTS:
            for m in step.get(kind) or []:
                if len(step.get(kind) or []) == 1 and not m.get("name"):
                    item.setText(3, _measurement(kind, m))
                else:
                    self._item(
                        item, str(m.get("name")), kind, m.get("status"), _measurement(kind, m)
                    )
        for child in step.get("steps") or []:
            if isinstance(child, dict):
                self._step(item, child)

    def _item(
        self,
        parent: QTreeWidgetItem | None,
        name: str,
        kind: Any,
        status: Any,
        value: str = "",
    ) -> QTreeWidgetItem:
        texts = [name, str(kind or ""), _STATUS.get(str(status), str(status or "")), value]
        item = QTreeWidgetItem(texts) if parent is None else QTreeWidgetItem(parent, texts)
        if parent is None:
            self.addTopLevelItem(item)
        if status == "F":
            for column in range(4):
                item.setForeground(column, QBrush(_FAILED))
        return item
