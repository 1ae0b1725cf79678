"""Domain services written once, served as a synchronous and an asynchronous twin.

A service method describes one REST call and returns a `Call` (method, path, parameters, body,
return type); it performs no I/O. Decorated with `@endpoint`, the same method is exposed on
`WATS` as `(...) -> T` and on `AsyncWATS` as `async (...) -> T`: the mode parameter of `Service`
(`Sync` or `Async`) selects the signature for the type checker, and the client that owns the
service executes the call (retries, breaker, errors, parsing).

    class AppService(Service[M]):
        @endpoint
        def get_version(self) -> Call[str]:
            \"\"\"The server version, e.g. "2025.3.9.824".\"\"\"
            return Call("GET", "/api/App/Version", returns=str)
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, final, overload

__all__ = ["Async", "Call", "Endpoint", "M", "Service", "Sync", "endpoint"]

T = TypeVar("T")
P = ParamSpec("P")


@final
class Sync:
    """Mode marker: service methods return their result."""


@final
class Async:
    """Mode marker: service methods return an awaitable of their result."""


M = TypeVar("M", Sync, Async)

Params = Mapping[str, str | int | float | bool | None]


@dataclass(frozen=True)
class Call(Generic[T]):
    """One REST call, described without doing it.

    `path` starts with `/api/`. `returns` is the type the response body is validated into (a
    pydantic model, `list[Model]`, `str`, ...); `bytes` returns the raw body and `None` ignores
    it. `json` is sent as a JSON body, `content` as raw bytes (set `Content-Type` in `headers`).
    `idempotent=None` decides retries by method; report submission passes True.
    Parameters whose value is None are left out of the query string.
    """

    method: str
    path: str
    returns: Any = None
    params: Params | None = None
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool | None = None


class Service(Generic[M]):
    """Base of every domain service and of the clients themselves.

    A service is created from its client, `ReportsService(client)`, and shares its connection
    pool, retry policy and breaker; the mode `M` is inferred from the client's type.
    """

    _execute: Callable[[Call[Any]], Any]

    def __init__(self, client: Service[M]) -> None:
        self._execute = client._execute

    @property
    def _is_async(self) -> bool:
        """True when `_execute` returns awaitables (the service belongs to an `AsyncWATS`)."""
        return inspect.iscoroutinefunction(self._execute)


class Endpoint(Generic[P, T]):
    """The descriptor `@endpoint` makes: binds a `Call` builder to its service's client."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self._build = build
        self._name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, service: None, owner: type) -> Endpoint[P, T]: ...
    @overload
    def __get__(self, service: Service[Sync], owner: type) -> Callable[P, T]: ...
    @overload
    def __get__(self, service: Service[Async], owner: type) -> Callable[P, Awaitable[T]]: ...

    def __get__(self, service: Service[Any] | None, owner: type) -> Any:
        if service is None:
            return self
        build = self._build
        execute = service._execute

        def bound(*args: Any, **kwargs: Any) -> Any:
            return execute(build(service, *args, **kwargs))

        # Name and docstring only: `__wrapped__` would make help() show the builder's signature.
        bound.__name__, bound.__qualname__ = build.__name__, build.__qualname__
        bound.__doc__, bound.__module__ = build.__doc__, build.__module__
        # Cache on the instance: later lookups skip the descriptor (it defines no __set__).
        service.__dict__[self._name] = bound
        return bound


def endpoint(build: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]:
    """Turn a method returning `Call[T]` into one returning `T` (sync) or `Awaitable[T]` (async)."""
    return Endpoint(build)
