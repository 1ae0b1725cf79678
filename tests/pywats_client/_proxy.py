"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1, in front of a real server.

It runs its own asyncio loop in a thread, so synchronous tests (station subprocesses) and async
ones can use it alike. Report submissions (`POST /api/Report/...`) can be failed one by one from
a script of `Fault`s, or all of them during an outage; `refuse()` closes the listening socket
(connection refused) and drops open connections until `accept()`. Everything else passes through.
Messages are bounded (64 KiB head, 16 MiB body) and every upstream wait has a timeout.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

__all__ = ["ChaosProxy", "Fault"]

_MAX_HEAD = 64 * 1024
_MAX_BODY = 16 * 1024 * 1024
_UPSTREAM_TIMEOUT = 30.0


@dataclass(frozen=True)
class Fault:
    """What to do to one report submission.

    kinds: `status` (answer `status` without forwarding, with `Retry-After: retry_after` when
    set), `hang` (forward, let the server commit, then never answer: the client times out),
    `close` (forward, then close without answering), `reset` (forward, send half the response,
    then reset the connection), `drip` (forward, send the response a few bytes at a time).
    """

    kind: str
    status: int = 503
    retry_after: int | None = None


@dataclass(frozen=True)
class Attempt:
    """One report submission the proxy saw: when (monotonic), and the fault applied or None."""

    at: float
    fault: Fault | None


class _Message:
    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        self.body = body

    @property
    def first_line(self) -> str:
        return self.head.split(b"\r\n", 1)[0].decode("latin-1")

    def raw(self) -> bytes:
        return self.head + self.body


async def _read_message(reader: asyncio.StreamReader) -> _Message | None:
    """One HTTP/1.1 message (Content-Length or chunked body); None at a clean end of stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise ConnectionError("connection closed inside a message head") from None
        return None
    except asyncio.LimitOverrunError:
        raise ConnectionError("message head too long") from None
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            body += size_line + chunk
            if size == 0 or len(body) > _MAX_BODY:
                break
        return _Message(head, bytes(body))
    length = int(headers.get("content-length", "0"))
    if length > _MAX_BODY:
        raise ConnectionError(f"message body of {length} bytes is over the proxy's limit")
    return _Message(head, await reader.readexactly(length))


def _status_response(fault: Fault) -> bytes:
    body = b'{"error": "injected by the test proxy"}'
    lines = [
        f"HTTP/1.1 {fault.status} Injected",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if fault.retry_after is not None:
        lines.append(f"Retry-After: {fault.retry_after}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class ChaosProxy:
    """Listens on a free loopback port and forwards to `upstream_host:upstream_port`."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.script: deque[Fault] = deque()
        self.outage: Fault | None = None
        self.attempts: list[Attempt] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0
        self._call(self._listen())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    def refuse(self) -> None:
        """Close the listening socket and every open connection: new ones are refused."""
        self._call(self._close())

    def accept(self) -> None:
        """Listen again on the same port."""
        self._call(self._listen())

    def close(self) -> None:
        """Stop listening, end every connection and the thread; nothing is left to leak."""
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def faulted(self) -> list[Attempt]:
        """Attempts that got a fault, in order."""
        return [a for a in list(self.attempts) if a.fault is not None]

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True, limit=_MAX_HEAD
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()

    async def _shutdown(self) -> None:
        await self._close()
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _fault_for(self, request: _Message) -> Fault | None:
        method, _, rest = request.first_line.partition(" ")
        if method != "POST" or not rest.startswith("/api/Report/"):
            return None
        fault = self.script.popleft() if self.script else self.outage
        self.attempts.append(Attempt(time.monotonic(), fault))
        return fault

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while (request := await _read_message(reader)) is not None:
                fault = self._fault_for(request)
                if fault is not None and fault.kind == "status":
                    writer.write(_status_response(fault))
                    await writer.drain()
                    continue
                if upstream is None:
                    upstream = await asyncio.wait_for(
                        asyncio.open_connection(*self.upstream, limit=_MAX_HEAD),
                        _UPSTREAM_TIMEOUT,
                    )
                upstream[1].write(request.raw())
                response = await asyncio.wait_for(_read_message(upstream[0]), _UPSTREAM_TIMEOUT)
                if response is None:
                    return
                if not await self._answer(fault, response, reader, writer):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            pass  # a broken peer ends this connection only
        finally:
            self._writers.discard(writer)
            writer.transport.abort()
            if upstream is not None:
                upstream[1].transport.abort()

    async def _answer(
        self,
        fault: Fault | None,
        response: _Message,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Send `response` as `fault` says; False when the connection must end."""
        data = response.raw()
        if fault is None:
            writer.write(data)
        elif fault.kind == "hang":
            await reader.read()  # the server has committed; wait for the client to give up
            return False
        elif fault.kind == "close":
            return False
        elif fault.kind == "reset":
            writer.write(response.head + response.body[: len(response.body) // 2])
            await writer.drain()
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        elif fault.kind == "drip":
            for start in range(0, len(data), 16):
                writer.write(data[start : start + 16])
                await writer.drain()
                await asyncio.sleep(0.02)
        else:
            raise ValueError(f"unknown fault kind {fault.kind!r}")
        await writer.drain()
        return True
