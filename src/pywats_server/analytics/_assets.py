"""The assets a report used, for analytics: the `assetSerialNumber`/`assetName` filter keys and
dimensions.

A report's assets are its `report_assets` rows (the `assets` list it was submitted with); the
name comes from the asset register by serial number, so an asset nobody registered has a null
name. A report that used several assets is counted under each asset (under each value, once:
an asset listed twice, or two assets of one name, count once); one that lists none has null
asset dimensions.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.sql import FromClause

from ..storage.asset_tables import assets
from ..storage.report_tables import report_assets
from ._match import match_text

__all__ = ["ASSET_DIMENSIONS", "join_assets", "used_asset"]

ASSET_DIMENSIONS = ("assetSerialNumber", "assetName")


def used_asset(
    report_pk: ColumnElement[Any], serial_number: str | None, name: str | None
) -> ColumnElement[bool]:
    """The report `report_pk` used an asset whose serial number matches `serial_number` and
    whose registered name matches `name` (wildcards; both given: the same asset)."""
    used = report_assets.c
    parts: list[ColumnElement[bool]] = [used.report_pk == report_pk]
    if serial_number is not None:
        parts.append(match_text(used.serial_number, serial_number))
    if name is None:
        return exists().where(and_(*parts))
    registered = assets.c
    return exists(
        select(used.report_pk)
        .join(assets, registered.serial_number == used.serial_number)
        .where(*parts, match_text(registered.asset_name, name))
    )


def join_assets(
    source: FromClause, report_pk: ColumnElement[Any], wanted: Collection[str]
) -> tuple[FromClause, dict[str, ColumnElement[Any]]]:
    """`source` outer-joined to the distinct values of the `wanted` asset dimensions per report,
    and the columns of those dimensions."""
    names = [name for name in ASSET_DIMENSIONS if name in wanted]
    if not names:
        return source, {}
    rows, registered = report_assets.c, assets.c
    listed: FromClause = report_assets
    if "assetName" in names:
        listed = listed.outerjoin(assets, registered.serial_number == rows.serial_number)
    picked = {"assetSerialNumber": rows.serial_number, "assetName": registered.asset_name}
    used = (
        select(rows.report_pk, *(picked[name].label(name) for name in names))
        .select_from(listed)
        .distinct()
        .subquery("used_asset")
    )
    source = source.outerjoin(used, used.c.report_pk == report_pk)
    return source, {name: used.c[name] for name in names}
