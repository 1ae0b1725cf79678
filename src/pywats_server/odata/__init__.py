"""OData query options (`$filter`, `$orderby`) parsed by hand and applied to SQLAlchemy."""

from __future__ import annotations

from ._sql import CollectionSpec, FieldSpec, compile_filter, compile_orderby
from ._syntax import Expr, ODataError, parse_filter, parse_orderby

__all__ = [
    "CollectionSpec",
    "Expr",
    "FieldSpec",
    "ODataError",
    "compile_filter",
    "compile_orderby",
    "parse_filter",
    "parse_orderby",
]
