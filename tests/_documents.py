"""Comparing a report the server exports with the document that was submitted.

The server stores a submission verbatim but exports it as WATS does (wsjf.md §2, §8.1): steps
numbered 1..n in depth-first pre-order, `stepIdCausedUUTFailure` following its step, and the
envelope keys it derives filled in. `as_exported` brings a submitted document to that form, so
a test can ask "did exactly this report arrive" with one equality.
"""

from __future__ import annotations

import copy
from typing import Any

#: Envelope keys the server derives for its exports (wsjf.md §2, "out"); a sent value is ignored.
SERVER_FIELDS = ("productName", "processCodeFormat", "processName", "origin", "startUTC")


def without_server_fields(document: Any) -> Any:
    """A report document (or list of them) without the server-derived envelope keys."""
    if isinstance(document, list):
        return [without_server_fields(item) for item in document]
    return {key: value for key, value in document.items() if key not in SERVER_FIELDS}


def as_exported(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with its steps numbered as an export numbers them, without server fields."""
    exported = copy.deepcopy(without_server_fields(document))
    renumbered: dict[int, int] = {}
    pending = [exported["root"]] if isinstance(exported.get("root"), dict) else []
    number = 0
    while pending:
        step = pending.pop()
        number += 1
        if isinstance(step.get("id"), int):
            renumbered.setdefault(step["id"], number)
        step["id"] = number
        children = step.get("steps")
        if isinstance(children, list):
            pending.extend(child for child in reversed(children) if isinstance(child, dict))
    uut = exported.get("uut")
    if isinstance(uut, dict) and uut.get("stepIdCausedUUTFailure") is not None:
        uut["stepIdCausedUUTFailure"] = renumbered.get(uut["stepIdCausedUUTFailure"])
    return exported
