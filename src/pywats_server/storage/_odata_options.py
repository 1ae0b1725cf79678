"""OData options applied to a SELECT: the one place storage turns `$filter`, `$orderby`,
`$top` and `$skip` into SQL for the list endpoints (report headers have their own planner)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..odata import FieldSpec, ODataError, compile_filter, compile_orderby, parse_filter
from ._domain import Invalid

__all__ = ["ODataOptions", "apply_odata"]

ODataOptions = tuple[str | None, str | None, int | None, int | None]  # filter, orderby, top, skip


def apply_odata(statement: Any, options: ODataOptions, fields: Mapping[str, FieldSpec]) -> Any:
    """`statement` with `$filter`, `$orderby`, `$skip` and `$top` applied; Invalid for bad OData."""
    filter, orderby, top, skip = options
    try:
        if filter:
            statement = statement.where(compile_filter(parse_filter(filter), fields))
        if orderby:
            statement = statement.order_by(*compile_orderby(orderby, fields))
    except ODataError as exc:
        raise Invalid(str(exc)) from None
    return statement.offset(skip or 0).limit(top)
