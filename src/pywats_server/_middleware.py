"""ASGI middleware of the server: authentication, case-insensitive paths, body size limit,
the Referer rule of internal endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._credential_guard import FailureBudget, HashPool, HashPoolFull, SharedReads
from ._errors import error_response, unexpected_error_response
from ._scim_token import verify_scim_token
from .storage import Principal, UserStore

__all__ = [
    "BasicAuth",
    "BodyLimit",
    "BodyTimeout",
    "CaseInsensitivePaths",
    "ErrorBoundary",
    "InternalReferer",
]


class BasicAuth:
    """Answer 401 to any HTTP request without a valid `Authorization: Basic <token>` header,
    except on the `exempt` paths (the web pages, which sign in with a session of their own).

    A token verified before is let in without hashing, once it is read not to be revoked (the
    tokens of requests arriving together are read in one query on a thread of its own,
    `SharedReads`). Otherwise the client's `budget` of failures decides first (429 with
    `Retry-After` while it is spent), then the hash runs on the bounded `pool` (503 with
    `Retry-After` when its queue is full). The authenticated `Principal` is put in
    `scope["state"]["principal"]`.
    """

    def __init__(
        self,
        app: ASGIApp,
        users: UserStore,
        exempt: Callable[[str], bool] = lambda _: False,
        budget: FailureBudget | None = None,
        pool: HashPool | None = None,
    ) -> None:
        self.app = app
        self.users = users
        self.exempt = exempt
        self.budget = budget if budget is not None else FailureBudget()
        self.pool = pool if pool is not None else HashPool()
        self._remembered = SharedReads(users.remembered_many)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        principal = None
        if scheme.lower() == "basic" and token:
            principal = await self._remembered.get(token)
            if principal is None:
                refusal = await self._check(scope, token)
                if isinstance(refusal, Response):
                    await refusal(scope, receive, send)
                    return
                principal = refusal
        elif scheme.lower() == "bearer" and scope["path"].lower().startswith("/api/scim/"):
            # Identity providers present the token GET /api/SCIM/v2/Token issued (rest-api §2).
            principal = await anyio.to_thread.run_sync(verify_scim_token, self.users, token)
        if principal is None:
            message = (
                "authentication required: send 'Authorization: Basic <token>'"
                if not header
                else "invalid credentials: the token is unknown or revoked"
            )
            response = error_response(401, message, {"WWW-Authenticate": 'Basic realm="pyWATS"'})
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, token: str) -> Principal | Response | None:
        """The principal of a token not verified before, None when invalid, or the answer that
        refuses to check it now (429 for a spent budget, 503 for a full hash queue)."""
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.budget.retry_after(client)
        if wait:
            return error_response(
                429,
                f"too many failed credentials from {client}: retry after {wait} s",
                {"Retry-After": str(wait)},
            )
        try:
            principal = await self.pool.run(self.users.check, token)
        except HashPoolFull:
            return error_response(
                503, "too many credential checks in progress: retry shortly", {"Retry-After": "1"}
            )
        if principal is None:
            self.budget.failed(client)
        else:
            self.budget.succeeded(client)
        return principal


class CaseInsensitivePaths:
    """Rewrite the literal segments of a request path to the case the routes declare.

    WATS matches paths case-insensitively; parameter segments keep the client's case. The
    templates are kept as a tree of segments, so a request costs one step per segment rather
    than a scan of every route.
    """

    def __init__(self, app: ASGIApp, templates: Iterable[str]) -> None:
        self.app = app
        self.root = _Segment()
        for template in templates:
            node = self.root
            for segment in template.strip("/").split("/"):
                if "{" in segment:
                    if node.parameter is None:
                        node.parameter = _Segment()
                    node = node.parameter
                else:
                    spellings = node.literals.setdefault(segment.lower(), {})
                    node = spellings.setdefault(segment, _Segment(segment))
            node.ends = True

    def canonical(self, path: str) -> str:
        """`path` with its literal segments spelled as declared; unchanged when no route fits.

        Of several fitting templates, the one with the most literal segments wins
        (`Asset/Types` over `Asset/{id}`)."""
        segments = path.strip("/").split("/")
        best = self.root.match(segments, 0)
        return path if best is None else "/" + "/".join(best[1])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = self.canonical(scope["path"])
            if path != scope["path"]:
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self.app(scope, receive, send)


class _Segment:
    """One level of the route tree: one parameter child, and literal children by lower-case
    text, then by spelling (routes may spell a segment differently: `WSJF` and `Wsjf`)."""

    __slots__ = ("ends", "literals", "parameter", "text")

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.literals: dict[str, dict[str, _Segment]] = {}
        self.parameter: _Segment | None = None
        self.ends = False

    def match(self, segments: list[str], at: int) -> tuple[int, list[str]] | None:
        """(literal count, rewritten segments) of the best template for `segments[at:]`."""
        if at == len(segments):
            return (0, []) if self.ends else None
        found: list[tuple[int, list[str]]] = []
        for literal in self.literals.get(segments[at].lower(), {}).values():
            if (rest := literal.match(segments, at + 1)) is not None:
                found.append((rest[0] + 1, [literal.text, *rest[1]]))
        parameter = self.parameter
        if parameter is not None and (rest := parameter.match(segments, at + 1)) is not None:
            found.append((rest[0], [segments[at], *rest[1]]))
        return max(found, key=lambda candidate: candidate[0], default=None)


class InternalReferer:
    """Answer 400 to a request under `/api/internal/` whose `Referer` is not a base URL (§3.5).

    A request without the header is served: Virinco's own client calls internal endpoints
    without one (wats-rules.md §3.8). The base URL a client knows may differ from what the
    server sees behind a proxy, so any absolute http(s) URL is accepted.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].lower().startswith("/api/internal/"):
            referer = dict(scope["headers"]).get(b"referer", b"").decode("latin-1").strip()
            problem = _referer_problem(referer)
            if problem is not None:
                await error_response(400, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _referer_problem(referer: str) -> str | None:
    expected = "internal endpoints (/api/internal/...) take 'Referer: <base URL>'"
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"Referer header {referer!r} is not an absolute http(s) URL: {expected}"
    return None


class _TooLarge(HTTPException):
    """Raised from `receive` inside the endpoint, so the app's HTTP error handler answers 413."""


class BodyLimit:
    """Answer 413 when a request body exceeds `limit` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body too large: the limit is {self.limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await error_response(413, message)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(413, message)
            return event

        await self.app(scope, limited_receive, send)


class ErrorBoundary:
    """Answer an unexpected error with the logged 500 and finish the exchange normally, so the
    keep-alive connection stays usable; an error after the answer started still propagates
    (the server then closes the connection: the client sees a cut-off answer, not a lie)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            response = unexpected_error_response(scope["method"], scope["path"], exc)
            await response(scope, receive, send)


class _BodyStalled(HTTPException):
    """Raised from `receive` inside the endpoint, so the app's HTTP error handler answers 408."""


class BodyTimeout:
    """Answer 408 (and close the connection) when a client stops sending its request body for
    `seconds`: a stalled upload must not hold a connection and its buffers forever."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # afterwards only a disconnect can come, as late as it likes
                return await receive()
            with anyio.move_on_after(self.seconds) as waiting:
                event = await receive()
            if waiting.cancelled_caught:
                raise _BodyStalled(
                    408,
                    f"request body timeout: no body data for {self.seconds:g} s",
                    headers={"Connection": "close"},
                )
            body_done = event["type"] != "http.request" or not event.get("more_body", False)
            return event

        await self.app(scope, timed_receive, send)
