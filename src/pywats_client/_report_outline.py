"""A converted report as a rich tree for the terminal: what `converters test` shows a user who
checks a converter's output before going live."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from rich.tree import Tree

__all__ = ["report_outline"]

_STYLE = {"P": "green", "F": "bold red", "E": "bold red", "T": "yellow", "S": "dim"}


def _label(status: object, text: str, note: str = "") -> Text:
    """`status text note` with the status coloured (no markup: names may hold brackets)."""
    letter = str(status)
    return Text.assemble((letter, _STYLE.get(letter, "")), " ", text, (note, "dim"))


def _measurement(step: dict[str, Any]) -> str:
    """`value unit compOp low..high` of a numeric step's first measurement ('' for others)."""
    measurements = step.get("numericMeas") or []
    if not measurements:
        return ""
    meas = measurements[0]
    limits = [meas.get("lowLimit"), meas.get("highLimit")]
    shown = " ".join(str(x) for x in limits if x is not None)
    unit = meas.get("unit") or ""
    return f"  {meas.get('value')} {unit} {meas.get('compOp')} {shown}".rstrip()


def _add(branch: Tree, step: dict[str, Any], limit: int) -> None:
    children = step.get("steps") or []
    shown = 0
    for child in children:
        if child.get("steps") is None and shown >= limit and child.get("status") not in ("F", "E"):
            continue
        shown += child.get("steps") is None
        name = f"{child.get('name')}{_measurement(child)}"
        if child.get("stepType") == "SequenceCall":
            count = f" ({len(child.get('steps') or [])} steps)"
            _add(branch.add(_label(child.get("status"), name, count)), child, limit)
        else:
            branch.add(_label(child.get("status"), name))
    hidden = sum(1 for c in children if c.get("steps") is None) - shown
    if hidden > 0:
        branch.add(Text(f"… {hidden} more passing steps", style="dim"))


def report_outline(document: dict[str, Any], steps_per_sequence: int = 5) -> Tree:
    """The header and step tree of a WSJF document; each sequence lists its first
    `steps_per_sequence` steps and every failed one."""
    uut = document.get("uut") or {}
    title = (
        f"{document.get('pn')} rev {document.get('rev')} SN {document.get('sn')}  "
        f"process {document.get('processCode')}  {document.get('start')}  "
        f"station {document.get('machineName')}  operator {uut.get('user')}"
    )
    tree = Tree(_label(document.get("result"), title))
    root = document.get("root") or {}
    _add(tree.add(_label(root.get("status"), str(root.get("name")))), root, steps_per_sequence)
    return tree
