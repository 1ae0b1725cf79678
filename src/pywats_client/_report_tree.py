"""The step tree of a WSJF report as `pywats-client converters test` prints it: what a user
checks before putting a converter into production."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from rich.tree import Tree

__all__ = ["report_tree"]


def report_tree(report: dict[str, Any]) -> Tree:
    """A rich Tree: the header (serial, part, revision, result, start), then every step with
    its type and status and each measurement with value, unit, operator and limits."""
    uut = report.get("uut") or {}
    header = (
        f"sn {report.get('sn')}  pn {report.get('pn')}  rev {report.get('rev')}  "
        f"result {report.get('result')}"
    )
    tree = Tree(Text(header, style="bold"))
    tree.add(Text(f"start {report.get('start')}, {uut.get('execTime')} s"))
    root = report.get("root")
    if isinstance(root, dict):
        _steps(tree, root.get("steps") or [])
    return tree


def _steps(branch: Tree, steps: list[dict[str, Any]]) -> None:
    for step in steps:
        label = Text(f"{step.get('name')} ")
        label.append(str(step.get("stepType")), style="dim")
        label.append(f" {step.get('status')}")
        if step.get("reportText"):
            label.append(f" {str(step['reportText'])[:80]}", style="italic")
        node = branch.add(label)
        for key in ("numericMeas", "stringMeas", "booleanMeas"):
            for meas in step.get(key) or []:
                node.add(Text(_measurement(meas)))
        _steps(node, step.get("steps") or [])


def _measurement(meas: dict[str, Any]) -> str:
    name = f"{meas['name']}: " if meas.get("name") else ""
    if "value" not in meas:
        return f"{name}{meas.get('status')}"
    unit = f" {meas['unit']}" if meas.get("unit") else ""
    comp = meas.get("compOp") or ""
    limits = ""
    if meas.get("lowLimit") is not None or meas.get("highLimit") is not None:
        low, high = meas.get("lowLimit"), meas.get("highLimit")
        limits = f" [{low}, {high}]" if high is not None else f" {low}"
    if "limit" in meas and meas.get("limit") is not None:
        limits = f" {meas['limit']!r}"
    return f"{name}{meas.get('value')}{unit} {comp}{limits} {meas.get('status')}"
