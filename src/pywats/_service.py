"""Domain services written once, served as a synchronous and an asynchronous twin.

A service method describes one REST call and returns a `Call` (method, path, parameters, body,
return type, cache family); it performs no I/O. Decorated with `@endpoint`, the same method is
exposed on `WATS` as `(...) -> T` and on `AsyncWATS` as `async (...) -> T`: the mode parameter of
`Service` (`Sync` or `Async`) selects the signature for the type checker, and the client that
owns the service executes the call (cache, retries, breaker, errors, parsing). A method returning
`Pages` and decorated with `@paginated` becomes an iterator (`AsyncIterator` on `AsyncWATS`)
over every page's items. `help()` shows both with their real parameters and result type.

    class AppService(Service[M]):
        @endpoint
        def get_version(self) -> Call[str]:
            \"\"\"The server version, e.g. "2025.3.9.824".\"\"\"
            return Call("GET", "/api/App/Version", returns=str)
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, final, overload

__all__ = ["Async", "Call", "Endpoint", "M", "Pages", "Service", "Sync", "endpoint", "paginated"]

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
    Parameters whose value is None are left out of the query string. `cache` names the family
    a read belongs to (served from the client's cache when it has one); `invalidates` names the
    family a successful write makes stale.
    """

    method: str
    path: str
    returns: Any = None
    params: Params | None = None
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool | None = None
    cache: str | None = None
    invalidates: str | None = None


@dataclass(frozen=True)
class Pages(Generic[T]):
    """A listing read page by page: `call(skip)` describes the page starting at item `skip`;
    reading stops after a page shorter than `size`."""

    call: Callable[[int], Call[list[T]]]
    size: int

    def next_skip(self, skip: int, page: list[T]) -> int | None:
        """Where the page after `page` (read at `skip`) starts, or None when it was the last."""
        return None if len(page) < self.size else skip + self.size


class Service(Generic[M]):
    """Base of every domain service and of the clients themselves.

    A service is created from its client, `ReportsService(client)`, and shares its connection
    pool, cache, retry policy and breaker; the mode `M` is inferred from the client's type.
    """

    _execute: Callable[[Call[Any]], Any]
    _iterate: Callable[[Pages[Any]], Any]

    def __init__(self, client: Service[M]) -> None:
        self._execute = client._execute
        self._iterate = client._iterate


class Endpoint(Generic[P, T]):
    """The descriptor `@endpoint` makes: binds a `Call` builder to its service's client."""

    _runner = "_execute"  # the client method that carries out what the builder describes

    def __init__(self, build: Callable[Concatenate[Any, P], Any]) -> None:
        self._build = build
        self._name = build.__name__
        self.__doc__ = build.__doc__
        self._signatures: dict[bool, inspect.Signature] = {}

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
        run = getattr(service, self._runner)

        def bound(*args: Any, **kwargs: Any) -> Any:
            return run(build(service, *args, **kwargs))

        bound.__name__, bound.__qualname__ = build.__name__, build.__qualname__
        bound.__doc__, bound.__module__ = build.__doc__, build.__module__
        is_async = inspect.iscoroutinefunction(service._execute)
        bound.__signature__ = self._signature(is_async)  # type: ignore[attr-defined]
        # Cache on the instance: later lookups skip the descriptor (it defines no __set__).
        service.__dict__[self._name] = bound
        return bound

    def describe(self, service: Service[Any], *args: P.args, **kwargs: P.kwargs) -> Call[T]:
        """The `Call` this endpoint makes for `service`, without running it (to compose calls,
        e.g. the pages of a listing)."""
        call: Call[T] = self._build(service, *args, **kwargs)
        return call

    def _signature(self, is_async: bool) -> inspect.Signature:
        """The builder's parameters (without `self`) and the result type callers get."""
        signature = self._signatures.get(is_async)
        if signature is None:
            full = inspect.signature(self._build)
            result = _inner(full.return_annotation)
            signature = full.replace(
                parameters=list(full.parameters.values())[1:],
                return_annotation=self._result(result, is_async),
            )
            self._signatures[is_async] = signature
        return signature

    @staticmethod
    def _result(inner: str, is_async: bool) -> str:
        return f"Awaitable[{inner}]" if is_async else inner


class Paginated(Endpoint[P, T]):
    """The descriptor `@paginated` makes: iterates every page a `Pages` builder describes."""

    _runner = "_iterate"

    @overload  # type: ignore[override]
    def __get__(self, service: None, owner: type) -> Paginated[P, T]: ...
    @overload
    def __get__(self, service: Service[Sync], owner: type) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(self, service: Service[Async], owner: type) -> Callable[P, AsyncIterator[T]]: ...

    def __get__(self, service: Service[Any] | None, owner: type) -> Any:
        return super().__get__(service, owner)

    @staticmethod
    def _result(inner: str, is_async: bool) -> str:
        return f"AsyncIterator[{inner}]" if is_async else f"Iterator[{inner}]"


def _inner(annotation: object) -> str:
    """`T` of a builder's `Call[T]` / `Pages[T]` return annotation (a string under PEP 563)."""
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    text = text.replace("builtins.", "")  # services that define `list` spell the builtin so
    head, _, rest = text.partition("[")
    return rest[:-1] if head in ("Call", "Pages") and rest.endswith("]") else text


def endpoint(build: Callable[Concatenate[Any, P], Call[T]]) -> Endpoint[P, T]:
    """Turn a method returning `Call[T]` into one returning `T` (sync) or `Awaitable[T]` (async)."""
    return Endpoint(build)


def paginated(build: Callable[Concatenate[Any, P], Pages[T]]) -> Paginated[P, T]:
    """Turn a method returning `Pages[T]` into one returning `Iterator[T]` (sync) or
    `AsyncIterator[T]` (async) over the items of every page."""
    return Paginated(build)
