"""`WATS` and `AsyncWATS`: twin thin clients over the shared I/O-free `ClientCore`.

Each twin owns one long-lived httpx client (connection pool) and runs the attempt loop with its
own kind of I/O; every decision is the core's. Endpoints and domain services are declared once on
`BaseClient`, generic in the mode, so the twins cannot drift.
"""

from __future__ import annotations

import functools
import os
import random as _random
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from pywats._breaker import DEFAULT_BREAKER, BreakerSettings, CircuitBreaker
from pywats._cache import ReferenceCache
from pywats._clock import SYSTEM_CLOCK, Clock
from pywats._config import NOT_GIVEN, ClientConfig, NotGiven
from pywats._core import ClientCore
from pywats._retry import DEFAULT_RETRY, RetryPolicy
from pywats._server_info import ModuleVersion, Registration, ServerPing
from pywats._service import Async, Call, M, Pages, Service, Sync, endpoint

# Domain services are imported when first used: their models are most of the SDK's import time.
if TYPE_CHECKING:
    from pywats._analytics import AnalyticsService
    from pywats._assets import AssetsService
    from pywats._manual_inspection import ManualInspectionService
    from pywats._processes import ProcessesService
    from pywats._production_units import ProductionService
    from pywats._products import ProductsService
    from pywats._reports import ReportsService
    from pywats._rootcause import RootCauseService
    from pywats._scim import ScimService
    from pywats._software import SoftwareService
    from pywats._unit_flow import UnitFlowService

__all__ = ["WATS", "AsyncWATS", "BaseClient"]

T = TypeVar("T")
_USER_AGENT = "pywats/0.1.0"


class BaseClient(Service[M]):
    """Configuration, retry policy, breaker and the endpoints both twins expose.

    Arguments (keyword-only): `base_url` and `token` fall back to `WATS_BASE_URL` and
    `WATS_AUTH_TOKEN` when omitted; `timeout` is seconds per request (None = no timeout, default
    30); `max_retries` overrides `retry.max_retries`; `retry` and `breaker` are the policies;
    `cache_ttl` (seconds, default None = off) caches processes, levels and product groups, and
    writes through this client invalidate what they change (reports are never cached);
    `clock` and `random` exist so tests can control time and jitter.
    """

    def __init__(
        self,
        *,
        base_url: str | NotGiven,
        token: str | NotGiven,
        timeout: float | NotGiven | None,
        max_retries: int | NotGiven,
        retry: RetryPolicy,
        breaker: BreakerSettings,
        cache_ttl: float | None,
        clock: Clock,
        random: Callable[[], float],
    ) -> None:
        self._config = ClientConfig.resolve(
            base_url=base_url, token=token, timeout=timeout, environ=os.environ
        )
        if not isinstance(max_retries, NotGiven):
            retry = replace(retry, max_retries=max_retries)
        self._clock = clock
        host = httpx.URL(self._config.base_url).host
        self._core = ClientCore(
            retry=retry,
            breaker=CircuitBreaker(host, breaker, clock.monotonic),
            clock=clock,
            random=random,
            cache=None if cache_ttl is None else ReferenceCache(cache_ttl, clock),
        )

    @property
    def base_url(self) -> str:
        """The normalised server URL, e.g. `https://wats.example.com`."""
        return self._config.base_url

    @property
    def breaker_state(self) -> str:
        """`"closed"`, `"open"` or `"half-open"`."""
        return self._core.breaker.state

    def reset_breaker(self) -> None:
        """Close the circuit breaker now, e.g. when an operator knows the server is back."""
        self._core.breaker.reset()

    def set_token(self, token: str) -> None:
        """Send `token` from the next request on (a rotated token); `ConfigurationError` when
        it is not one a header can carry, and the current token stays."""
        self._config = ClientConfig.resolve(
            base_url=self._config.base_url,
            token=token,
            timeout=self._config.timeout,
            environ={},
        )
        self._http.headers["Authorization"] = self._config.authorization

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._config.base_url!r})"

    @abstractmethod
    def _execute(self, call: Call[Any]) -> Any:
        """Run `call` with retries; `T` for the sync twin, an awaitable of `T` for the async."""

    @abstractmethod
    def _iterate(self, pages: Pages[Any]) -> Any:
        """Every item of every page; an iterator for the sync twin, an async one for the async."""

    def _http_options(self) -> dict[str, Any]:
        return {
            "base_url": self._config.base_url,
            "headers": {
                "Authorization": self._config.authorization,
                "Accept": "application/json",
                "User-Agent": _USER_AGENT,
            },
            "timeout": httpx.Timeout(self._config.timeout),
        }

    _http: httpx.Client | httpx.AsyncClient

    @functools.cached_property
    def reports(self) -> ReportsService[M]:
        """Submit, fetch and query reports."""
        from pywats._reports import ReportsService

        return ReportsService(self)

    @functools.cached_property
    def processes(self) -> ProcessesService[M]:
        """Processes, fail-code trees, levels and product groups."""
        from pywats._processes import ProcessesService

        return ProcessesService(self)

    @functools.cached_property
    def analytics(self) -> AnalyticsService[M]:
        """Yield, repairs, failed steps, measurements and unit history."""
        from pywats._analytics import AnalyticsService

        return AnalyticsService(self)

    @functools.cached_property
    def products(self) -> ProductsService[M]:
        """Products, revisions, groups, tags, BOMs and box build."""
        from pywats._products import ProductsService

        return ProductsService(self)

    @functools.cached_property
    def production(self) -> ProductionService[M]:
        """Units, sub-units, phases, unit history, serial numbers and unit verification."""
        from pywats._production_units import ProductionService

        return ProductionService(self)

    @functools.cached_property
    def assets(self) -> AssetsService[M]:
        """Asset types, assets, usage counts, calibration, maintenance, status and log."""
        from pywats._assets import AssetsService

        return AssetsService(self)

    @functools.cached_property
    def software(self) -> SoftwareService[M]:
        """Software packages, their files, release workflow and station plans."""
        from pywats._software import SoftwareService

        return SoftwareService(self)

    @functools.cached_property
    def rootcause(self) -> RootCauseService[M]:
        """Root-cause tickets: open, assign, comment, attach, status flow, query, archive."""
        from pywats._rootcause import RootCauseService

        return RootCauseService(self)

    @functools.cached_property
    def scim(self) -> ScimService[M]:
        """SCIM 2.0 user provisioning (administrators)."""
        from pywats._scim import ScimService

        return ScimService(self)

    @functools.cached_property
    def manual_inspection(self) -> ManualInspectionService[M]:
        """Manual inspection definitions, their relations, sequence content and runs."""
        from pywats._manual_inspection import ManualInspectionService

        return ManualInspectionService(self)

    @functools.cached_property
    def unit_flow(self) -> UnitFlowService[M]:
        """Unit flow: the paths units took through the operations (a per-session view)."""
        from pywats._unit_flow import UnitFlowService

        return UnitFlowService(self)

    @endpoint
    def get_version(self) -> Call[str]:
        """The server's version string, e.g. `"2025.3.9.824"`."""
        return Call("GET", "/api/App/Version", returns=str)

    @endpoint
    def ping(self) -> Call[ServerPing]:
        """The server's name and clock (the WATS station client's heartbeat)."""
        return Call("GET", "/api/internal/Client/Ping", returns=ServerPing)

    @endpoint
    def register_station(self) -> Call[Registration]:
        """Register this station as the client's user: a new token of that user for the
        station to keep (revoking it on the server cuts off this station alone)."""
        return Call("POST", "/api/internal/Client/Register", returns=Registration)

    @endpoint
    def get_module_versions(self) -> Call[list[ModuleVersion]]:
        """The server's module versions, e.g. the server and the WATS API it speaks."""
        return Call("GET", "/api/internal/Client/Version", returns=list[ModuleVersion])


class WATS(BaseClient[Sync]):
    """Synchronous WATS client; one instance is safe to share between threads.

    Use as a context manager or call `close()` to release connections. `transport` replaces the
    network (an `httpx.MockTransport`, or an ASGI/WSGI transport to an in-process server);
    `clock.sleep` waits between retries.
    """

    def __init__(
        self,
        *,
        base_url: str | NotGiven = NOT_GIVEN,
        token: str | NotGiven = NOT_GIVEN,
        timeout: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        breaker: BreakerSettings = DEFAULT_BREAKER,
        cache_ttl: float | None = None,
        clock: Clock = SYSTEM_CLOCK,
        random: Callable[[], float] = _random.random,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            breaker=breaker,
            cache_ttl=cache_ttl,
            clock=clock,
            random=random,
        )
        self._http: httpx.Client = httpx.Client(transport=transport, **self._http_options())

    def close(self) -> None:
        """Close pooled connections; the client cannot be used afterwards."""
        self._http.close()

    def __enter__(self) -> WATS:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _execute(self, call: Call[T]) -> T:
        core, http, monotonic = self._core, self._http, self._clock.monotonic
        hit, value = core.cached(call)
        if hit:
            cached: T = value
            return cached
        exchange = core.prepare(http, call)
        while True:
            core.breaker.before_request()
            started = monotonic()
            try:
                response = http.send(exchange.request)
            except httpx.HTTPError as error:
                self._clock.sleep(core.after_error(exchange, error, started))
                continue
            except BaseException:
                core.breaker.record_abandoned()
                raise
            delay = core.after_response(exchange, response, started)
            if delay is None:
                result: T = core.result(exchange, response)
                return result
            self._clock.sleep(delay)

    def _iterate(self, pages: Pages[T]) -> Iterator[T]:
        skip: int | None = 0
        while skip is not None:
            page = self._execute(pages.call(skip))
            yield from page
            skip = pages.next_skip(skip, page)


class AsyncWATS(BaseClient[Async]):
    """Asynchronous WATS client (asyncio or trio); safe to share between tasks.

    Use as an async context manager or await `aclose()`. `transport` replaces the network;
    `clock.async_sleep` waits between retries.
    """

    def __init__(
        self,
        *,
        base_url: str | NotGiven = NOT_GIVEN,
        token: str | NotGiven = NOT_GIVEN,
        timeout: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        breaker: BreakerSettings = DEFAULT_BREAKER,
        cache_ttl: float | None = None,
        clock: Clock = SYSTEM_CLOCK,
        random: Callable[[], float] = _random.random,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            breaker=breaker,
            cache_ttl=cache_ttl,
            clock=clock,
            random=random,
        )
        self._http: httpx.AsyncClient = httpx.AsyncClient(
            transport=transport, **self._http_options()
        )

    async def aclose(self) -> None:
        """Close pooled connections; the client cannot be used afterwards."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncWATS:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _execute(self, call: Call[T]) -> T:
        core, http, monotonic = self._core, self._http, self._clock.monotonic
        hit, value = core.cached(call)
        if hit:
            cached: T = value
            return cached
        exchange = core.prepare(http, call)
        while True:
            core.breaker.before_request()
            started = monotonic()
            try:
                response = await http.send(exchange.request)
            except httpx.HTTPError as error:
                await self._clock.async_sleep(core.after_error(exchange, error, started))
                continue
            except BaseException:
                core.breaker.record_abandoned()
                raise
            delay = core.after_response(exchange, response, started)
            if delay is None:
                result: T = core.result(exchange, response)
                return result
            await self._clock.async_sleep(delay)

    async def _iterate(self, pages: Pages[T]) -> AsyncIterator[T]:
        skip: int | None = 0
        while skip is not None:
            page = await self._execute(pages.call(skip))
            for item in page:
                yield item
            skip = pages.next_skip(skip, page)
