"""Counting asset uses: the one place running and total counts grow, for `PUT /api/Asset/Count`
and for the assets a submitted report lists.

A use of an asset counts for its sub-assets too (every generation) unless asked otherwise:
a fixture's parts wear with it. Rows are updated one by one in asset id order, so concurrent
transactions counting the same assets lock them in the same order and cannot deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import Connection, select

from ._domain import utcnow
from .asset_tables import assets

__all__ = ["count_uses", "count_uses_by_serial", "descendants"]


def descendants(connection: Connection, asset_id: str) -> list[str]:
    """The ids of every sub-asset of `asset_id`, generation by generation."""
    found: list[str] = []
    frontier = [asset_id]
    while frontier:
        frontier = list(
            connection.scalars(
                select(assets.c.asset_id).where(assets.c.parent_asset_id.in_(frontier))
            )
        )
        found.extend(frontier)
    return found


def count_uses(
    connection: Connection, uses: Mapping[str, int], *, include_children: bool = True
) -> None:
    """Add `uses[asset_id]` to the running and total count of each asset (and of its sub-assets
    unless `include_children` is False) and stamp it last seen now."""
    added: dict[str, int] = defaultdict(int)
    for asset_id, count in uses.items():
        for target in [asset_id, *(descendants(connection, asset_id) if include_children else ())]:
            added[target] += count
    a = assets.c
    now = utcnow()
    for target in sorted(added):
        count = added[target]
        connection.execute(
            assets.update()
            .where(a.asset_id == target)
            .values(
                running_count=a.running_count + count,
                total_count=a.total_count + count,
                last_seen_date=now,
            )
        )


def count_uses_by_serial(connection: Connection, uses: Mapping[str, int]) -> None:
    """`count_uses` for assets named by serial number, sub-assets included; serial numbers not
    in the register are skipped (see docs/guides/assets.md)."""
    if not uses:
        return
    a = assets.c
    registered = connection.execute(
        select(a.serial_number, a.asset_id).where(a.serial_number.in_(list(uses)))
    )
    count_uses(connection, {asset_id: uses[serial] for serial, asset_id in registered})
