"""The OpenAPI document lists every answer of every operation.

FastAPI derives each success schema from the route's response model, or takes the media types
a route declares (`routers._answer.file_answer`); an endpoint returning nothing answers JSON
`null`, documented here. The error statuses are derived here, once for all routes: those the
middleware answers for any request, and those the route's own code can raise, found by walking
the source of the endpoint, its dependencies and every server function or store method they
reach (`ApiError(4xx)`, the domain errors mapped in `_errors.DOMAIN_STATUS`, `status_code=`
literals). FastAPI's 422 is removed: validation errors are answered 400. The walk runs on the
first request for the document, not at start-up.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import sys
import typing
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from ._errors import DOMAIN_STATUS, ApiError, ErrorBody
from .storage import DomainError

__all__ = ["api_routes", "install_openapi", "route_statuses"]

_PACKAGE = __name__.split(".")[0]
_ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorBody"}
#: Answered by the middleware and the app's exception handlers, whatever the route.
_ANY_ROUTE = frozenset({400, 401})
#: Answered by the middleware to a request with a body (`BodyLimit`).
_WITH_BODY = frozenset({413})


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` document, on every operation, each status the route can answer."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            _document_answers(document, app)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def route_statuses(route: Any) -> frozenset[int]:
    """The error statuses (4xx) the route's code and its dependencies (the app's included)
    can answer; `route` is an `APIRoute` as the app mounted it (a FastAPI `RouteContext`)."""
    functions = [route.endpoint, *_dependency_calls(route.dependant)]
    return frozenset(status for fn in _reachable(functions) for status in _raised(fn))


def api_routes(app: FastAPI) -> Iterator[Any]:
    """The app's API routes as mounted (paths with router prefixes, the app's dependencies)."""
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            yield route


def _document_answers(document: dict[str, Any], app: FastAPI) -> None:
    for route in api_routes(app):
        for method in route.methods:
            operation = document["paths"][route.path_format][method.lower()]
            responses: dict[str, Any] = operation["responses"]
            responses.pop("422", None)
            success = responses.get(str(route.status_code or 200), {}).get("content", {})
            if _answers_null(route):
                success["application/json"]["schema"] = {"type": "null"}
            elif success.get("application/json") == {"schema": {}} and len(success) > 1:
                # FastAPI's placeholder beside the media types the route declares it answers.
                del success["application/json"]
            statuses = set(_ANY_ROUTE | route_statuses(route))
            if "requestBody" in operation:
                statuses |= _WITH_BODY
            for status in sorted(statuses):
                responses.setdefault(
                    str(status),
                    {
                        "description": HTTPStatus(status).phrase,
                        "content": {"application/json": {"schema": _ERROR_SCHEMA}},
                    },
                )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ErrorBody"] = ErrorBody.model_json_schema()


def _answers_null(route: Any) -> bool:
    """Whether the endpoint returns nothing, which FastAPI answers as a JSON `null`."""
    returns = inspect.signature(route.endpoint).return_annotation
    return route.response_field is None and returns in (None, "None")


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependency_calls(sub)


def _reachable(roots: list[Callable[..., Any]]) -> set[Callable[..., Any]]:
    seen: set[Callable[..., Any]] = set()
    pending = [inspect.unwrap(fn) for fn in roots]
    while pending:
        fn = pending.pop()
        if fn in seen or not _ours(fn):
            continue
        seen.add(fn)
        pending.extend(_callees(fn))
    return seen


def _ours(fn: object) -> typing.TypeGuard[Callable[..., Any]]:
    return inspect.isfunction(fn) and fn.__module__.split(".")[0] == _PACKAGE


@functools.cache
def _module_functions(module: str) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The function definitions of a module by first line (their first decorator's line)."""
    found: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in ast.walk(ast.parse(inspect.getsource(sys.modules[module]))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            found[first] = node
    return found


def _tree(fn: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Module:
    """The function's definition, parsed once per module."""
    found = _module_functions(fn.__module__).get(fn.__code__.co_firstlineno)
    return found if found is not None else ast.Module(body=[], type_ignores=[])


@functools.cache
def _raised(fn: Callable[..., Any]) -> frozenset[int]:
    """Statuses the function's own code raises or answers."""
    namespace = _namespace(fn)
    found: set[int] = set()
    for node in ast.walk(_tree(fn)):
        if isinstance(node, ast.Raise) and node.exc is not None:
            found |= _error_status(node.exc, namespace)
        elif isinstance(node, ast.Call):
            found |= _error_status(node, namespace)
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg != "status_code" or not isinstance(value, ast.Constant):
                    continue
                if isinstance(value.value, int):
                    found.add(value.value)
    return frozenset(status for status in found if status >= 400)


def _error_status(node: ast.expr, namespace: dict[str, Any]) -> set[int]:
    """The status of an error built by `node` (`ApiError(404, ...)`, `NotFound(...)`)."""
    call = node if isinstance(node, ast.Call) else None
    kind = _resolve(call.func if call else node, namespace, {})
    if not inspect.isclass(kind):
        return set()
    if issubclass(kind, DomainError):
        return {status for error, status in DOMAIN_STATUS.items() if issubclass(kind, error)}
    if issubclass(kind, ApiError) and call and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, int):
            return {first.value}
    return set()


@functools.cache
def _callees(fn: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """Server functions the function calls or passes on (a method handed to a thread pool)."""
    namespace = _namespace(fn)
    locals_ = _parameter_types(fn)
    found = []
    for node in ast.walk(_tree(fn)):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            target = inspect.unwrap(_resolve(node, namespace, locals_))
            if _ours(target):
                found.append(target)
    return tuple(found)


def _namespace(fn: Callable[..., Any]) -> dict[str, Any]:
    """Names the function sees: its module's globals, and `self` as its class."""
    namespace = dict(fn.__globals__)
    owner = _owner(fn)
    if owner is not None:
        namespace["self"] = owner
        namespace["cls"] = owner
    return namespace


def _owner(fn: Callable[..., Any]) -> type | None:
    parts = fn.__qualname__.split(".")
    if len(parts) < 2 or "<locals>" in parts:
        return None
    owner: Any = sys.modules[fn.__module__]
    for part in parts[:-1]:
        owner = getattr(owner, part, None)
    return owner if inspect.isclass(owner) else None


def _parameter_types(fn: Callable[..., Any]) -> dict[str, Any]:
    """The classes of the function's annotated parameters (`ctx: Context` is a ServerContext),
    read from its source: evaluating every annotation would compile each one."""
    tree = _tree(fn)
    if isinstance(tree, ast.Module):
        return {}
    namespace = _namespace(fn)
    arguments = tree.args
    types = {}
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        if argument.annotation is None:
            continue
        hint = _resolve(argument.annotation, namespace, {})
        if typing.get_origin(hint) is typing.Annotated:
            hint = typing.get_args(hint)[0]
        if inspect.isclass(hint):
            types[argument.arg] = hint
    return types


def _resolve(node: ast.expr, namespace: dict[str, Any], locals_: dict[str, Any]) -> Any:
    """The object a name or attribute chain stands for, through classes' attribute types;
    None when it cannot be known without running the code."""
    if isinstance(node, ast.Name):
        if node.id in locals_:
            return locals_[node.id]
        return namespace.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace, locals_)
        if base is None:
            return None
        found = getattr(base, node.attr, None)
        if found is None and inspect.isclass(base):
            found = _attribute_type(base, node.attr)
        return found
    return None


def _attribute_type(cls: type, name: str) -> Any:
    """The class of an instance attribute, from the class's annotations or its `__init__`'s."""
    hint = _hints(cls).get(name)
    return hint if inspect.isclass(hint) else None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """Attribute classes: the class's annotations, and what `__init__` assigns to `self.<name>`
    (a parameter, by its annotation, or a new instance of a class)."""
    hints: dict[str, Any] = {}
    init = vars(cls).get("__init__")
    for source in (init, cls):
        try:
            hints.update(typing.get_type_hints(source))
        except Exception:  # an annotation naming what the module imports only for type checking
            continue
    if not _ours(init):
        return hints
    parameters = _parameter_types(init)
    for node in ast.walk(_tree(init)):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if not (isinstance(target, ast.Attribute) and _is_self(target.value)):
            continue
        if isinstance(value, ast.Name) and value.id in parameters:
            hints.setdefault(target.attr, parameters[value.id])
        elif isinstance(value, ast.Call):
            made = _resolve(value.func, _namespace(init), {})
            if inspect.isclass(made):
                hints.setdefault(target.attr, made)
    return hints


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"
