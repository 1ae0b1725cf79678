"""The control API: HTTP on 127.0.0.1 for the CLI, the GUI and monitoring.

`/health`, `/ready` and `/metrics` are open (monitoring scrapes them locally); everything else
needs `Authorization: Bearer <token>` with the token from the 0600 file in the data folder.
Bodies are the models of `_control_models`; every 4xx body is an `ErrorBody`.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import anyio
import uvicorn
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    SimpleUser,
    requires,
)
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from pywats_client._control_models import (
    TOKEN_FILE,
    ConverterEntry,
    Deleted,
    DryRunRequest,
    DryRunResult,
    ErrorBody,
    Health,
    Item,
    OutboxQuery,
    QuarantinedFile,
    Readiness,
    ReloadResult,
    Retried,
    RetryNowResult,
    ServiceStatus,
    VerifyProblem,
)
from pywats_client._outbox import Outbox
from pywats_client._quarantine import Quarantine

__all__ = ["ControlServer", "ControlTarget", "create_app", "ensure_token"]

_SCOPE = "control"
_ITEMS = TypeAdapter(list[Item])
_FILES = TypeAdapter(list[QuarantinedFile])


class ControlTarget(Protocol):
    """What the control API needs from the running service."""

    outbox: Outbox
    quarantine: Quarantine

    def health(self) -> list[str]: ...
    def is_ready(self) -> bool: ...
    def metrics_text(self) -> str: ...
    def status(self) -> ServiceStatus: ...
    def converters(self) -> list[ConverterEntry]: ...
    def retried(self) -> None: ...
    async def retry_now(self) -> RetryNowResult: ...
    async def dry_run(self, request: DryRunRequest) -> DryRunResult: ...
    async def reload(self) -> ReloadResult: ...


def ensure_token(folder: Path) -> str:
    """The control token, created as a 0600 file on first use."""
    path = folder / TOKEN_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(32))
    if os.name != "nt":
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class _NotFound(Exception):
    """The named outbox item or quarantine entry does not exist (404)."""


class _TokenBackend(AuthenticationBackend):
    """A request carrying the token gets the control scope; no header stays anonymous (the
    open routes serve it), a wrong one is refused outright."""

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, SimpleUser] | None:
        given = conn.headers.get("authorization")
        if given is None:
            return None
        if not hmac.compare_digest(given.encode(), self._expected):
            raise AuthenticationError("missing or wrong control token")
        return AuthCredentials([_SCOPE]), SimpleUser("control")


def _json(body: BaseModel | Sequence[BaseModel], status_code: int = 200) -> JSONResponse:
    if isinstance(body, BaseModel):
        return JSONResponse(body.model_dump(mode="json"), status_code)
    return JSONResponse([model.model_dump(mode="json") for model in body], status_code)


def _error(status_code: int, message: str) -> JSONResponse:
    return _json(ErrorBody(error=message), status_code)


def _target(request: Request) -> ControlTarget:
    target: ControlTarget = request.app.state.target
    return target


# -- open routes --------------------------------------------------------------------------------


async def _health(request: Request) -> Response:
    problems = await anyio.to_thread.run_sync(_target(request).health)
    # Degraded, not down: the service runs, but part of its work is not being done.
    body = Health(ok=not problems, status="degraded" if problems else "ok", problems=problems)
    return _json(body, 503 if problems else 200)


async def _ready(request: Request) -> Response:
    ok = _target(request).is_ready()
    return _json(Readiness(ready=ok), 200 if ok else 503)


async def _metrics(request: Request) -> Response:
    text = await anyio.to_thread.run_sync(_target(request).metrics_text)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


# -- routes that need the token -----------------------------------------------------------------


@requires(_SCOPE, status_code=401)
async def _status(request: Request) -> Response:
    return _json(await anyio.to_thread.run_sync(_target(request).status))


@requires(_SCOPE, status_code=401)
async def _outbox_list(request: Request) -> Response:
    query = OutboxQuery.model_validate(dict(request.query_params))
    outbox = _target(request).outbox
    items = await anyio.to_thread.run_sync(outbox.items, query.state, query.limit, query.offset)
    return JSONResponse(_ITEMS.dump_python(items, mode="json"))


@requires(_SCOPE, status_code=401)
async def _outbox_retry(request: Request) -> Response:
    report_id, target = request.path_params["id"], _target(request)
    if not await anyio.to_thread.run_sync(target.outbox.retry, report_id):
        raise _NotFound(f"no outbox item {report_id}")
    target.retried()
    return _json(Retried(retried=report_id))


@requires(_SCOPE, status_code=401)
async def _retry_now(request: Request) -> Response:
    return _json(await _target(request).retry_now())


@requires(_SCOPE, status_code=401)
async def _outbox_delete(request: Request) -> Response:
    report_id = request.path_params["id"]
    if not await anyio.to_thread.run_sync(_target(request).outbox.delete, report_id):
        raise _NotFound(f"no outbox item {report_id}")
    return _json(Deleted(deleted=report_id))


@requires(_SCOPE, status_code=401)
async def _outbox_verify(request: Request) -> Response:
    problems = await anyio.to_thread.run_sync(_target(request).outbox.problems)
    return _json([VerifyProblem(file=name, problem=text) for name, text in problems])


@requires(_SCOPE, status_code=401)
async def _quarantine_list(request: Request) -> Response:
    entries = await anyio.to_thread.run_sync(_target(request).quarantine.entries)
    return JSONResponse(_FILES.dump_python(entries, mode="json"))


@requires(_SCOPE, status_code=401)
async def _quarantine_log(request: Request) -> Response:
    name, quarantine = request.path_params["name"], _target(request).quarantine
    if quarantine.get(name) is None:
        raise _NotFound(f"no quarantined file {name}")
    return PlainTextResponse(quarantine.log(name))


@requires(_SCOPE, status_code=401)
async def _quarantine_retry(request: Request) -> Response:
    name = request.path_params["name"]
    origin = await anyio.to_thread.run_sync(_target(request).quarantine.retry, name)
    if origin is None:
        raise _NotFound(f"no quarantined file {name}")
    return _json(Retried(retried=name, path=str(origin)))


@requires(_SCOPE, status_code=401)
async def _quarantine_delete(request: Request) -> Response:
    name = request.path_params["name"]
    if not await anyio.to_thread.run_sync(_target(request).quarantine.delete, name):
        raise _NotFound(f"no quarantined file {name}")
    return _json(Deleted(deleted=name))


@requires(_SCOPE, status_code=401)
async def _converters(request: Request) -> Response:
    return _json(_target(request).converters())


@requires(_SCOPE, status_code=401)
async def _dry_run(request: Request) -> Response:
    body = DryRunRequest.model_validate_json(await request.body())
    result = await _target(request).dry_run(body)
    return _json(result, 200 if result.ok else 422)


@requires(_SCOPE, status_code=401)
async def _reload(request: Request) -> Response:
    result = await _target(request).reload()
    return _json(result, 200 if result.ok else 422)


_ROUTES = [
    Route("/health", _health),
    Route("/ready", _ready),
    Route("/metrics", _metrics),
    Route("/status", _status),
    Route("/outbox", _outbox_list),
    Route("/outbox/verify", _outbox_verify),
    Route("/outbox/retry-now", _retry_now, methods=["POST"]),
    Route("/outbox/{id}/retry", _outbox_retry, methods=["POST"]),
    Route("/outbox/{id}", _outbox_delete, methods=["DELETE"]),
    Route("/quarantine", _quarantine_list),
    Route("/quarantine/{name}/log", _quarantine_log),
    Route("/quarantine/{name}/retry", _quarantine_retry, methods=["POST"]),
    Route("/quarantine/{name}", _quarantine_delete, methods=["DELETE"]),
    Route("/converters", _converters),
    Route("/dry-run", _dry_run, methods=["POST"]),
    Route("/config/reload", _reload, methods=["POST"]),
]

# -- errors as bodies ---------------------------------------------------------------------------


def _refused(conn: HTTPConnection, exc: AuthenticationError) -> Response:
    return _error(401, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = "missing or wrong control token" if exc.status_code == 401 else exc.detail
    return _error(exc.status_code, message)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    where = "query" if request.method == "GET" else "body"
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or where}: {e['msg']}" for e in exc.errors()
    )
    return _error(400, f"{request.method} {request.url.path} {where}: {problems}")


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(404, str(exc))


def create_app(target: ControlTarget, token: str) -> Starlette:
    """The Starlette application serving `target`."""
    app = Starlette(
        routes=_ROUTES,
        middleware=[
            Middleware(AuthenticationMiddleware, backend=_TokenBackend(token), on_error=_refused)
        ],
        exception_handlers={
            HTTPException: _http_error,
            ValidationError: _invalid,
            _NotFound: _not_found,
        },
    )
    app.state.target = target
    return app


class _QuietServer(uvicorn.Server):
    """Uvicorn without its own signal handlers (the service owns SIGTERM/SIGINT) and without
    its ten wake-ups a second: the main loop wakes once a second (the Date header) or when
    `exit_soon` is called."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._exit = anyio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def exit_soon(self) -> None:
        self.should_exit = True
        self._exit.set()

    async def main_loop(self) -> None:
        while not await self.on_tick(0):  # tick 0: refresh the Date header every time
            with anyio.move_on_after(1.0):
                await self._exit.wait()


class ControlServer:
    """Serves the control API on `host:port` (0 = any free port) until stopped or cancelled.

    Made inside the event loop that serves it."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self._socket = socket.create_server((host, port))
        # Accepted connections inherit it: without it a response written in parts waits for
        # the client's delayed acknowledgement, ~40 ms per call.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self._server = _QuietServer(config)
        self._stopped = anyio.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def serve(self) -> None:
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            self._socket.close()
            self._stopped.set()

    async def stop(self, within: float = 2.0) -> None:
        """Ask the server to finish and wait (up to `within` seconds) until it has closed its
        connections: cancelled mid-way it would leave them open."""
        self._server.exit_soon()
        with anyio.move_on_after(within):
            await self._stopped.wait()
