"""Apply a parsed `$filter` / `$orderby` to SQLAlchemy: fields are declared, never guessed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_

from ._syntax import (
    Call,
    Comparison,
    Expr,
    Field,
    Literal,
    Logical,
    Not,
    ODataError,
    parse_orderby,
)

__all__ = ["CollectionSpec", "FieldSpec", "compile_filter", "compile_orderby"]

_KINDS = {
    "string": (str,),
    "int": (int,),
    "float": (int, float),
    "datetime": (datetime,),
    "bool": (bool,),
    "uuid": (uuid.UUID, str),
}
_FLIP = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}


@dataclass(frozen=True)
class FieldSpec:
    """A filterable field: its column, its kind (a key of `_KINDS`) and an optional mapping of
    literal values to stored values (e.g. result words to letters)."""

    column: ColumnElement[Any]
    kind: str
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class CollectionSpec:
    """A collection usable with `any`: its fields and how to wrap a predicate in EXISTS."""

    fields: Mapping[str, FieldSpec]
    exists: Callable[[ColumnElement[bool] | None], ColumnElement[bool]]


@dataclass
class _Scope:
    fields: Mapping[str, FieldSpec]
    collections: Mapping[str, CollectionSpec] = field(default_factory=dict)
    variable: str | None = None


def _lookup(fields: Mapping[str, FieldSpec], name: str, position: int) -> FieldSpec:
    for key, spec in fields.items():
        if key.lower() == name.lower():
            return spec
    known = ", ".join(sorted(fields))
    raise ODataError(f"$filter: unknown field {name!r} at {position}; filterable fields: {known}")


def _field(scope: _Scope, node: Field) -> FieldSpec:
    name = node.path
    if scope.variable is not None:
        prefix = f"{scope.variable}/"
        if not name.startswith(prefix):
            raise ODataError(
                f"$filter: {name!r} at {node.position} must be written {prefix}<field> "
                "inside the lambda"
            )
        name = name[len(prefix) :]
    return _lookup(scope.fields, name, node.position)


def _value(spec: FieldSpec, literal: Literal, name: str) -> Any:
    value = literal.value
    if value is None:
        return None
    if isinstance(value, bool) and spec.kind != "bool":
        raise ODataError(f"$filter: {name} at {literal.position} expects {spec.kind}, got a bool")
    if not isinstance(value, _KINDS[spec.kind]):
        raise ODataError(
            f"$filter: {name} at {literal.position} expects a {spec.kind} value, got {value!r}"
        )
    if isinstance(value, datetime):
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    if spec.kind == "uuid":
        try:
            value = str(uuid.UUID(str(value)))
        except ValueError:
            raise ODataError(f"$filter: {name} at {literal.position} expects a GUID") from None
    return spec.convert(value) if spec.convert else value


def _comparison(scope: _Scope, node: Comparison) -> ColumnElement[bool]:
    op, left, right = node.op, node.left, node.right
    if isinstance(left, Literal):
        op, left, right = _FLIP[op], right, left
    assert isinstance(left, Field)
    spec = _field(scope, left)
    if isinstance(right, Field):
        raise ODataError(f"$filter: comparing two fields at {left.position} is not supported")
    value = _value(spec, right, left.path)
    column = spec.column
    if value is None:
        if op not in ("eq", "ne"):
            raise ODataError(f"$filter: null at {right.position} only works with eq and ne")
        return column.is_(None) if op == "eq" else column.is_not(None)
    result: ColumnElement[bool] = {
        "eq": column.__eq__,
        "ne": column.__ne__,
        "gt": column.__gt__,
        "ge": column.__ge__,
        "lt": column.__lt__,
        "le": column.__le__,
    }[op](value)
    if op == "ne":  # SQL's NULL <> x is unknown; OData's ne includes rows without a value
        result = or_(result, column.is_(None))
    return result


def _call(scope: _Scope, node: Call) -> ColumnElement[bool]:
    spec = _field(scope, node.field)
    if spec.kind != "string":
        raise ODataError(f"$filter: {node.function} at {node.field.position} needs a text field")
    value = str(node.argument.value)
    method = {"contains": "contains", "startswith": "startswith", "endswith": "endswith"}
    result: ColumnElement[bool] = getattr(spec.column, method[node.function])(
        value, autoescape=True
    )
    return result


def _compile(scope: _Scope, node: Expr) -> ColumnElement[bool]:
    if isinstance(node, Logical):
        combine = and_ if node.op == "and" else or_
        return combine(_compile(scope, node.left), _compile(scope, node.right))
    if isinstance(node, Not):
        return not_(_compile(scope, node.operand))
    if isinstance(node, Comparison):
        return _comparison(scope, node)
    if isinstance(node, Call):
        return _call(scope, node)
    collection = None
    for key, spec in scope.collections.items():
        if key.lower() == node.collection.path.lower():
            collection = spec
    if collection is None or scope.variable is not None:
        known = ", ".join(sorted(scope.collections)) or "none"
        raise ODataError(
            f"$filter: {node.collection.path!r} at {node.collection.position} is not a "
            f"collection that supports any(); collections: {known}"
        )
    if node.predicate is None:
        return collection.exists(None)
    inner = _Scope(collection.fields, {}, node.variable)
    return collection.exists(_compile(inner, node.predicate))


def compile_filter(
    expr: Expr,
    fields: Mapping[str, FieldSpec],
    collections: Mapping[str, CollectionSpec] | None = None,
) -> ColumnElement[bool]:
    """Translate a parsed filter into a SQL condition over the declared fields."""
    return _compile(_Scope(fields, collections or {}), expr)


def compile_orderby(text: str, fields: Mapping[str, FieldSpec]) -> list[ColumnElement[Any]]:
    """Translate `$orderby` text into ORDER BY clauses over the declared fields."""
    clauses: list[ColumnElement[Any]] = []
    for name, descending in parse_orderby(text):
        try:
            column = _lookup(fields, name, 0).column
        except ODataError:
            known = ", ".join(sorted(fields))
            raise ODataError(
                f"$orderby: unknown field {name!r}; sortable fields: {known}"
            ) from None
        clauses.append(column.desc() if descending else column.asc())
    return clauses
