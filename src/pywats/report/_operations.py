"""The rules that depend on what a server has configured: which process codes exist and of
which kind, the fail codes each repair operation offers and whether it needs the UUT it
follows (wats-rules.md U7, U8, R2, R3, R7, R12).

WATS refuses a report whose operation type it does not have ("Operation type with code '30'
not found on WATS server"), one of the wrong kind (a UUT with a repair code, a UUR whose failed
test operation is a repair), a repair failure outside the repair type's fail-code tree, and a
repair without its UUT reference when the repair type is UUTRequired. A server passes its own
configuration; a client can pass the one it read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Operations", "operation_problems"]


@dataclass(frozen=True)
class Operations:
    """Test operation codes, repair operation codes, and per repair code its fail codes:
    category description -> the descriptions of the codes below it (empty: any code)."""

    test: frozenset[int]
    repair: frozenset[int]
    fail_codes: Mapping[int, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    #: Repair operation codes whose repairs must name the UUT report they follow (`refUUT`).
    uut_required: frozenset[int] = frozenset()


def _kind_problem(operations: Operations, code: object, wanted: str) -> str | None:
    codes, other = (
        (operations.test, operations.repair)
        if wanted == "test"
        else (operations.repair, operations.test)
    )
    if not isinstance(code, int) or code in codes:
        return None
    if code not in other:
        return f"no {wanted} operation has code {code} on this server"
    kind = "repair" if wanted == "test" else "test"
    return f"{code} is a {kind} operation; expected a {wanted} operation"


def operation_problems(raw: dict[str, Any], operations: Operations) -> list[tuple[str, str]]:
    """Problems of `raw` against a server's configured operations, as `(path, message)`."""
    problems: list[tuple[str, str]] = []
    kind = "repair" if raw.get("type") == "R" else "test"
    if message := _kind_problem(operations, raw.get("processCode"), kind):
        problems.append(("processCode", message))
    uur = raw.get("uur")
    if raw.get("type") != "R" or not isinstance(uur, dict):
        return problems
    if message := _kind_problem(operations, uur.get("processCode"), "test"):
        problems.append(("uur.processCode", message))
    if raw.get("processCode") in operations.uut_required and not uur.get("refUUT"):
        problems.append(("uur.refUUT", f"required: repair operation {raw['processCode']} "
                         "needs the id of the UUT report the repair follows"))  # fmt: skip
    tree = operations.fail_codes.get(raw.get("processCode"))  # type: ignore[arg-type]
    if not tree:
        return problems
    for i, unit in enumerate(raw.get("subUnits") or []):
        for j, failure in enumerate(unit.get("failures") or [] if isinstance(unit, dict) else []):
            where = f"subUnits[{i}].failures[{j}]"
            category, code = failure.get("category"), failure.get("code")
            if category not in tree:
                problems.append((f"{where}.category", f"{category!r} is no fail-code category "
                                 f"of repair operation {raw['processCode']}"))  # fmt: skip
            elif tree[category] and code not in tree[category]:
                problems.append((f"{where}.code", f"{code!r} is no fail code under {category!r}"))
    return problems
