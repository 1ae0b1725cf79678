"""The `dimensions` list: which columns to group by and how to sort the result (§6.2).

`"unitCount desc;partNumber;period"` groups by part number and period and sorts by unit count
(descending), then by the remaining items in list order (ascending).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ._filter import AnalyticsError

__all__ = ["SortKey", "parse_dimensions", "sort_rows"]

# Dimensions the stored data has nothing for (levels and unit types).
UNAVAILABLE = {
    "level": "the product register here assigns no production levels to products",
    "unitType": "the product register here keeps no unit types",
}


@dataclass(frozen=True)
class SortKey:
    name: str
    descending: bool


def _canonical(name: str, known: Iterable[str]) -> str | None:
    for candidate in known:
        if candidate.lower() == name.lower():
            return candidate
    return None


def parse_dimensions(
    text: str | None, dimensions: Sequence[str], kpis: Sequence[str]
) -> tuple[list[str], list[SortKey], list[SortKey]]:
    """Split a `dimensions` string into the dimensions to group by (in order), the explicit sort
    keys (items with `asc`/`desc`) and the implicit ones (the other items, ascending).

    Names are matched case-insensitively. Raises AnalyticsError naming an unknown or
    unavailable item.
    """
    groups: list[str] = []
    explicit: list[SortKey] = []
    implicit: list[SortKey] = []
    for raw in (text or "").split(";"):
        words = raw.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise AnalyticsError(f"dimensions item {raw.strip()!r}: expected '<name> [asc|desc]'")
        name = _canonical(words[0], [*dimensions, *kpis])
        if name is None:
            unavailable = _canonical(words[0], UNAVAILABLE)
            if unavailable is not None:
                raise AnalyticsError(
                    f"dimension {unavailable!r} is not available: {UNAVAILABLE[unavailable]}"
                )
            raise AnalyticsError(
                f"dimensions item {words[0]!r} is not a dimension or KPI; dimensions: "
                f"{', '.join(dimensions)}; KPIs: {', '.join(kpis)}"
            )
        if name in dimensions and name not in groups:
            groups.append(name)
        key = SortKey(name, len(words) == 2 and words[1].lower() == "desc")
        (explicit if len(words) == 2 else implicit).append(key)
    return groups, explicit, implicit


def _order_value(value: Any) -> tuple[int, Any]:
    # None sorts before every value; mixed kinds never meet within one column.
    return (0, 0) if value is None else (1, value)


def sort_rows(rows: list[dict[str, Any]], keys: Sequence[SortKey]) -> list[dict[str, Any]]:
    """Rows sorted by `keys` (first key most significant), each naming a field of the rows."""
    ordered = list(rows)
    for key in reversed(keys):
        ordered.sort(key=lambda row: _order_value(row.get(key.name)), reverse=key.descending)
    return ordered
