"""The control API: HTTP on 127.0.0.1 for the CLI, the GUI and monitoring.

`/health`, `/ready` and `/metrics` are open (monitoring scrapes them locally); everything else
needs `Authorization: Bearer <token>` with the token from the 0600 file in the data folder.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from pywats_client._outbox import Outbox
from pywats_client._quarantine import Quarantine

__all__ = ["ControlServer", "ControlTarget", "create_app", "ensure_token"]

TOKEN_FILE = "control.token"
ENDPOINT_FILE = "control.json"


class ControlTarget(Protocol):
    """What the control API needs from the running service."""

    outbox: Outbox
    quarantine: Quarantine

    def health(self) -> list[str]: ...
    def is_ready(self) -> bool: ...
    def metrics_text(self) -> str: ...
    def status(self) -> dict[str, Any]: ...
    def converters(self) -> list[dict[str, Any]]: ...
    def retried(self) -> None: ...
    async def retry_now(self) -> dict[str, Any]: ...
    async def dry_run(
        self, converter: str, name: str, data: bytes, parameters: dict[str, Any]
    ) -> dict[str, Any]: ...
    async def reload(self) -> dict[str, Any]: ...


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


def _item(item: Any) -> dict[str, Any]:
    return dict(asdict(item))


def create_app(target: ControlTarget, token: str) -> Starlette:
    """The Starlette application serving `target`."""

    def authorized(handler: Callable[[Request], Awaitable[Response]]) -> Any:
        async def guarded(request: Request) -> Response:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return JSONResponse({"error": "missing or wrong control token"}, status_code=401)
            return await handler(request)

        return guarded

    async def health(request: Request) -> Response:
        problems = await anyio.to_thread.run_sync(target.health)
        # Degraded, not down: the service runs, but part of its work is not being done.
        body = {
            "ok": not problems,
            "status": "degraded" if problems else "ok",
            "problems": problems,
        }
        return JSONResponse(body, 503 if problems else 200)

    async def ready(request: Request) -> Response:
        ok = target.is_ready()
        return JSONResponse({"ready": ok}, status_code=200 if ok else 503)

    async def metrics(request: Request) -> Response:
        text = await anyio.to_thread.run_sync(target.metrics_text)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    async def status(request: Request) -> Response:
        return JSONResponse(await anyio.to_thread.run_sync(target.status))

    async def outbox_list(request: Request) -> Response:
        state = request.query_params.get("state") or None
        if state not in (None, "pending", "delivered", "quarantined"):
            return JSONResponse(
                {"error": f"state: expected pending, delivered or quarantined, got {state!r}"},
                status_code=400,
            )
        try:
            limit = int(request.query_params.get("limit", "100"))
            offset = int(request.query_params.get("offset", "0"))
        except ValueError:
            return JSONResponse({"error": "limit and offset must be integers"}, status_code=400)
        items = await anyio.to_thread.run_sync(lambda: target.outbox.items(state, limit, offset))
        return JSONResponse([_item(i) for i in items])

    async def outbox_retry(request: Request) -> Response:
        report_id = request.path_params["id"]
        if not await anyio.to_thread.run_sync(target.outbox.retry, report_id):
            return JSONResponse({"error": f"no outbox item {report_id}"}, status_code=404)
        target.retried()
        return JSONResponse({"retried": report_id})

    async def retry_now(request: Request) -> Response:
        return JSONResponse(await target.retry_now())

    async def outbox_delete(request: Request) -> Response:
        report_id = request.path_params["id"]
        if not await anyio.to_thread.run_sync(target.outbox.delete, report_id):
            return JSONResponse({"error": f"no outbox item {report_id}"}, status_code=404)
        return JSONResponse({"deleted": report_id})

    async def outbox_verify(request: Request) -> Response:
        problems = await anyio.to_thread.run_sync(target.outbox.problems)
        return JSONResponse([{"file": name, "problem": text} for name, text in problems])

    async def quarantine_list(request: Request) -> Response:
        entries = await anyio.to_thread.run_sync(target.quarantine.entries)
        return JSONResponse([_item(e) for e in entries])

    async def quarantine_log(request: Request) -> Response:
        name = request.path_params["name"]
        if target.quarantine.get(name) is None:
            return JSONResponse({"error": f"no quarantined file {name}"}, status_code=404)
        return PlainTextResponse(target.quarantine.log(name))

    async def quarantine_retry(request: Request) -> Response:
        name = request.path_params["name"]
        origin = await anyio.to_thread.run_sync(target.quarantine.retry, name)
        if origin is None:
            return JSONResponse({"error": f"no quarantined file {name}"}, status_code=404)
        return JSONResponse({"retried": name, "path": str(origin)})

    async def quarantine_delete(request: Request) -> Response:
        name = request.path_params["name"]
        if not await anyio.to_thread.run_sync(target.quarantine.delete, name):
            return JSONResponse({"error": f"no quarantined file {name}"}, status_code=404)
        return JSONResponse({"deleted": name})

    async def converters(request: Request) -> Response:
        return JSONResponse(target.converters())

    async def dry_run(request: Request) -> Response:
        try:
            body = await request.json()
            converter = str(body["converter"])
            name = str(body.get("name") or "upload")
            data = base64.b64decode(body["content_base64"], validate=True)
            parameters = dict(body.get("parameters") or {})
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            return JSONResponse(
                {
                    "error": f"expected JSON with converter, content_base64, name?, parameters?: "
                    f"{exc}"
                },
                status_code=400,
            )
        result = await target.dry_run(converter, name, data, parameters)
        return JSONResponse(result, status_code=200 if result.get("ok") else 422)

    async def reload(request: Request) -> Response:
        result = await target.reload()
        return JSONResponse(result, status_code=200 if result.get("ok") else 422)

    routes = [
        Route("/health", health),
        Route("/ready", ready),
        Route("/metrics", metrics),
        Route("/status", authorized(status)),
        Route("/outbox", authorized(outbox_list)),
        Route("/outbox/verify", authorized(outbox_verify)),
        Route("/outbox/retry-now", authorized(retry_now), methods=["POST"]),
        Route("/outbox/{id}/retry", authorized(outbox_retry), methods=["POST"]),
        Route("/outbox/{id}", authorized(outbox_delete), methods=["DELETE"]),
        Route("/quarantine", authorized(quarantine_list)),
        Route("/quarantine/{name}/log", authorized(quarantine_log)),
        Route("/quarantine/{name}/retry", authorized(quarantine_retry), methods=["POST"]),
        Route("/quarantine/{name}", authorized(quarantine_delete), methods=["DELETE"]),
        Route("/converters", authorized(converters)),
        Route("/dry-run", authorized(dry_run), methods=["POST"]),
        Route("/config/reload", authorized(reload), methods=["POST"]),
    ]
    return Starlette(routes=routes)


class _QuietServer(uvicorn.Server):
    """Uvicorn without its own signal handlers: the service owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


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
        self._server.should_exit = True
        with anyio.move_on_after(within):
            await self._stopped.wait()
